package tuf_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/secure-systems-lab/go-securesystemslib/cjson"

	"github.com/pyupload/pyupload/pkg/tuf"
)

// FuzzCanonical: no panic; an accepted text canonicalizes to the same
// JSON value, whose canonical form it is; and where securesystemslib's Go
// port also accepts it, both write the same bytes. (Canonical JSON writes
// control characters raw, so the output is read back with them escaped.
// Texts with "-0" are left out of the comparisons: Python's encoder, which
// the package follows, writes it as "0", the Go port as "-0".)
func FuzzCanonical(f *testing.F) {
	f.Add(tuf.ProductionRoot())
	for _, s := range []string{`{"b":1,"a":[true,false,null]}`, `"a\"b\\c\n\u00e9\ud83d\ude00"`, `{"a":1.5}`, `{"a":1,"a":2}`, `-0`, `[1e3]`, "{\"\xff\":1}", `123456789012345678901234567890`, `{"é":1,"e":2,"z":3}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := tuf.Canonical(data)
		if err != nil || bytes.Contains(data, []byte("-0")) {
			return
		}
		readable := escapeControls(got)
		if !sameJSON(data, readable) {
			t.Fatalf("Canonical(%q) = %q, another value", data, got)
		}
		if again, err := tuf.Canonical(readable); err != nil || !bytes.Equal(again, got) {
			t.Fatalf("Canonical(%q) = %q, %v, want %q", readable, again, err, got)
		}
		want, err := cjson.EncodeCanonical(json.RawMessage(data))
		if err == nil && !bytes.Equal(got, want) {
			t.Fatalf("Canonical(%q) = %q, securesystemslib writes %q", data, got, want)
		}
	})
}

// escapeControls writes the control characters of canonical JSON (which
// can only be inside strings) as JSON escapes.
func escapeControls(b []byte) []byte {
	var out []byte
	for _, c := range b {
		if c < 0x20 {
			out = fmt.Appendf(out, `\u%04x`, c)
			continue
		}
		out = append(out, c)
	}
	return out
}

func sameJSON(a, b []byte) bool {
	decode := func(data []byte) (any, error) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		err := dec.Decode(&v)
		return v, err
	}
	va, errA := decode(a)
	vb, errB := decode(b)
	return errA == nil && errB == nil && reflect.DeepEqual(va, vb)
}

// FuzzParseMetadata: no panic; a failure is a *FormatError.
func FuzzParseMetadata(f *testing.F) {
	fx := newFixture(f)
	fx.build(f)
	for _, body := range fx.files {
		f.Add(uint8(0), []byte(body))
	}
	f.Add(uint8(0), tuf.StagingRoot())
	f.Add(uint8(1), []byte(`{"signed":{"_type":"timestamp","spec_version":"1.0","version":1,"expires":"2030-01-01T00:00:00Z","meta":{}},"signatures":[]}`))
	roles := []string{tuf.RoleRoot, tuf.RoleTimestamp, tuf.RoleSnapshot, tuf.RoleTargets}
	f.Fuzz(func(t *testing.T, role uint8, data []byte) {
		err := tuf.ParseMetadata(roles[int(role)%len(roles)], data)
		if _, ok := errors.AsType[*tuf.FormatError](err); err != nil && !ok {
			t.Fatalf("ParseMetadata error %v is not a *FormatError", err)
		}
	})
}

// FuzzKey: no panic whatever the key and signature.
func FuzzKey(f *testing.F) {
	ec := newECDSAKey(f, pemKey)
	ed := newEd25519Key(f)
	msg := []byte("message")
	for _, k := range []*testKey{ec, ed, newECDSAKey(f, hexPKIX), newECDSAKey(f, hexPoint)} {
		public := k.entry["keyval"].(map[string]any)["public"].(string)
		f.Add(k.entry["keytype"].(string), k.entry["scheme"].(string), public, msg, hexSig(k, msg))
	}
	f.Fuzz(func(_ *testing.T, keytype, scheme, public string, msg []byte, sig string) {
		tuf.Verify(keytype, scheme, public, msg, sig)
	})
}

func hexSig(k *testKey, msg []byte) string { return hex.EncodeToString(k.sign(msg)) }

// memClient serves files from memory: nothing leaves the process.
func memClient(files map[string]string) *http.Client {
	return &http.Client{Transport: roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		if body, ok := files[r.URL.Path]; ok {
			_, _ = rec.WriteString(body)
		} else {
			http.NotFound(rec, r)
		}
		return rec.Result(), nil
	})}
}

func ownError(err error) bool {
	_, a := errors.AsType[*tuf.FormatError](err)
	_, b := errors.AsType[*tuf.ThresholdError](err)
	_, c := errors.AsType[*tuf.VersionError](err)
	_, d := errors.AsType[*tuf.ExpiredError](err)
	_, e := errors.AsType[*tuf.MismatchError](err)
	_, g := errors.AsType[*tuf.TooLargeError](err)
	_, h := errors.AsType[*tuf.HTTPError](err)
	return a || b || c || d || e || g || h || errors.Is(err, tuf.ErrTargetNotFound)
}

// FuzzRepositoryAnswers: a repository answers one file (chosen by which)
// with fuzzed bytes. No panic; a failure is one of the package's errors;
// success with a file whose hash signed metadata gives means the bytes are
// the original ones.
func FuzzRepositoryAnswers(f *testing.F) {
	fx := seededFixture(f)
	fx.build(f)
	var paths []string
	for p := range fx.files {
		if p != "/meta/1.root.json" { // the trusted root, never fetched
			paths = append(paths, p)
		}
	}
	paths = append(paths, "/meta/2.root.json")
	slices.Sort(paths)
	for i, p := range paths {
		f.Add(uint8(i), []byte(fx.files[p]))
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		p := paths[int(which)%len(paths)]
		files := maps.Clone(fx.files)
		files[p] = string(data)
		c, err := tuf.New(memClient(files), tuf.Repository{
			MetadataURL: "http://127.0.0.1/meta", TargetsURL: "http://127.0.0.1/targets", Root: []byte(fx.files["/meta/1.root.json"]),
		}, tuf.WithClock(func() time.Time { return refTime }))
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Target(t.Context(), tuf.TrustedRootTarget)
		switch {
		case err != nil && !ownError(err):
			t.Fatalf("Target = %v, not one of the package's errors", err)
		case err == nil && !bytes.Equal(got, fx.target):
			t.Fatalf("Target = %q, want %q", got, fx.target)
		case err == nil && p != "/meta/timestamp.json" && p != "/meta/2.root.json" && string(data) != fx.files[p]:
			t.Fatalf("Target succeeded with %s replaced by %q", p, data)
		}
	})
}
