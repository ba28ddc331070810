package tuf_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/secure-systems-lab/go-securesystemslib/cjson"
	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/pyupload/pyupload/pkg/tuf"
)

// The oracle tests check the package against go-tuf (v2, in the module
// graph through sigstore-go) and the canonical JSON of securesystemslib's Go
// port, which go-tuf signs and verifies with.

// oracleFixture is a repository go-tuf can read: PEM ECDSA and ed25519 keys
// only, and a rotation to two root keys with threshold 2.
func oracleFixture(tb testing.TB) *fixture {
	tb.Helper()
	f := newFixture(tb)
	v1 := f.roots[0]
	b, c := newECDSAKey(tb, pemKey), newEd25519Key(tb)
	v2 := withRoles(v1, map[string]role{"root": {[]*testKey{b, c}, 2}, "targets": {[]*testKey{newECDSAKey(tb, pemKey)}, 1}},
		v1.roles["root"].keys[0], b, c)
	f.roots = append(f.roots, v2)
	f.build(tb)
	return f
}

func signedPart(tb testing.TB, file string) json.RawMessage {
	tb.Helper()
	var env struct {
		Signed json.RawMessage `json:"signed"`
	}
	if err := json.Unmarshal([]byte(file), &env); err != nil {
		tb.Fatal(err)
	}
	return env.Signed
}

func TestCanonicalAgreesWithSecuresystemslib(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"production root": string(tuf.ProductionRoot()),
		"staging root":    string(tuf.StagingRoot()),
	}
	for p, body := range oracleFixture(t).files {
		if p[:6] == "/meta/" {
			files[p] = body
		}
	}
	for name, body := range files {
		signed := signedPart(t, body)
		got, err := tuf.Canonical(signed)
		if err != nil {
			t.Fatalf("Canonical(%s) = %v", name, err)
		}
		want, err := cjson.EncodeCanonical(signed)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("Canonical(%s) = %s, want %s", name, got, want)
		}
	}
}

// TestSignaturesAgreeWithGoTUF: go-tuf verifies the generated repository's
// chain of delegations, which the client accepts, and the shipped roots.
func TestSignaturesAgreeWithGoTUF(t *testing.T) {
	t.Parallel()
	f := oracleFixture(t)
	roots := make([]*metadata.Metadata[metadata.RootType], len(f.roots))
	for i := range f.roots {
		r, err := metadata.Root().FromBytes([]byte(f.files[fmt.Sprintf("/meta/%d.root.json", i+1)]))
		if err != nil {
			t.Fatalf("go-tuf reading root %d: %v", i+1, err)
		}
		roots[i] = r
		if err := r.VerifyDelegate("root", r); err != nil {
			t.Errorf("go-tuf: root %d by itself: %v", i+1, err)
		}
		if i > 0 {
			if err := roots[i-1].VerifyDelegate("root", r); err != nil {
				t.Errorf("go-tuf: root %d by root %d: %v", i+1, i, err)
			}
		}
	}
	last := roots[len(roots)-1]
	ts, err := metadata.Timestamp().FromBytes([]byte(f.files["/meta/timestamp.json"]))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := metadata.Snapshot().FromBytes([]byte(f.files["/meta/5.snapshot.json"]))
	if err != nil {
		t.Fatal(err)
	}
	targets, err := metadata.Targets().FromBytes([]byte(f.files["/meta/7.targets.json"]))
	if err != nil {
		t.Fatal(err)
	}
	for role, md := range map[string]any{"timestamp": ts, "snapshot": snap, "targets": targets} {
		if err := last.VerifyDelegate(role, md); err != nil {
			t.Errorf("go-tuf: %s by the last root: %v", role, err)
		}
	}
	c := f.serve(t, nil)
	if _, err := c.Target(t.Context(), tuf.TrustedRootTarget); err != nil {
		t.Errorf("Target on the repository go-tuf accepts = %v", err)
	}
	for name, data := range map[string][]byte{"production": tuf.ProductionRoot(), "staging": tuf.StagingRoot()} {
		r, err := metadata.Root().FromBytes(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.VerifyDelegate("root", r); err != nil {
			t.Errorf("go-tuf: the shipped %s root by itself: %v", name, err)
		}
	}
}

// TestForgeryRejectedByBoth: a timestamp signed by the wrong key fails in
// go-tuf and in the client.
func TestForgeryRejectedByBoth(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.signTimestamp = []*testKey{forged(t, f.roots[0].roles["timestamp"].keys[0])}
	f.build(t)
	root, err := metadata.Root().FromBytes([]byte(f.files["/meta/1.root.json"]))
	if err != nil {
		t.Fatal(err)
	}
	ts, err := metadata.Timestamp().FromBytes([]byte(f.files["/meta/timestamp.json"]))
	if err != nil {
		t.Fatal(err)
	}
	if err := root.VerifyDelegate("timestamp", ts); err == nil {
		t.Error("go-tuf accepts the forged timestamp")
	}
	if _, err := f.serve(t, nil).Target(t.Context(), tuf.TrustedRootTarget); !isThreshold("timestamp", "root version 1", 0)(err) {
		t.Errorf("Target with a forged timestamp = %v, want a ThresholdError", err)
	}
}
