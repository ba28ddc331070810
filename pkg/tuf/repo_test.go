package tuf_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/pkg/tuf"
)

// This file is a TUF repository generator for tests: keys made here,
// metadata signed here (over canonical JSON written by encoding/json, not by
// the package under test), served over httptest with consistent snapshots.

// refTime is the tests' clock; metadata expires a year later by default.
var refTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// testKey is a signing key and its TUF key entry.
type testKey struct {
	id    string
	entry map[string]any
	sign  func(msg []byte) []byte
}

// keyEncoding says how an ECDSA public key is written in metadata.
type keyEncoding int

const (
	pemKey       keyEncoding = iota // PEM SubjectPublicKeyInfo
	hexPKIX                         // hex of the PKIX DER
	hexPoint                        // hex of the uncompressed point
	compatKeyTyp                    // keytype "ecdsa-sha2-nistp256", PEM
)

func newECDSAKey(tb testing.TB, enc keyEncoding) *testKey {
	tb.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		tb.Fatal(err)
	}
	public := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	keytype := "ecdsa"
	switch enc {
	case hexPKIX:
		public = hex.EncodeToString(der)
	case hexPoint:
		point, err := priv.PublicKey.Bytes()
		if err != nil {
			tb.Fatal(err)
		}
		public = hex.EncodeToString(point)
	case compatKeyTyp:
		keytype = "ecdsa-sha2-nistp256"
	}
	sum := sha256.Sum256(der)
	return &testKey{
		id:    hex.EncodeToString(sum[:]),
		entry: map[string]any{"keytype": keytype, "scheme": "ecdsa-sha2-nistp256", "keyval": map[string]any{"public": public}},
		sign: func(msg []byte) []byte {
			digest := sha256.Sum256(msg)
			sig, err := ecdsa.SignASN1(rand.Reader, priv, digest[:])
			if err != nil {
				panic(err)
			}
			return sig
		},
	}
}

func newEd25519Key(tb testing.TB) *testKey {
	tb.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return ed25519Key(pub, priv)
}

// seededKey is an ed25519 key derived from seed: the same in every process,
// as fuzz targets need (their workers rebuild the fixture).
func seededKey(seed byte) *testKey {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	return ed25519Key(priv.Public().(ed25519.PublicKey), priv)
}

func ed25519Key(pub ed25519.PublicKey, priv ed25519.PrivateKey) *testKey {
	sum := sha256.Sum256(pub)
	return &testKey{
		id:    hex.EncodeToString(sum[:]),
		entry: map[string]any{"keytype": "ed25519", "scheme": "ed25519", "keyval": map[string]any{"public": hex.EncodeToString(pub)}},
		sign:  func(msg []byte) []byte { return ed25519.Sign(priv, msg) },
	}
}

// unknownKey is listed in metadata with a key type the client does not
// support; it signs with an ed25519 key, which must not count.
func unknownKey(tb testing.TB) *testKey {
	tb.Helper()
	k := newEd25519Key(tb)
	k.entry = map[string]any{"keytype": "rsa", "scheme": "rsassa-pss-sha256", "keyval": k.entry["keyval"]}
	k.id = strings.Repeat("ab", 32)
	return k
}

// role is a role's keys and threshold; the first threshold keys sign.
type role struct {
	keys      []*testKey
	threshold int
}

func (r role) signers() []*testKey { return r.keys[:min(r.threshold, len(r.keys))] }

// rootVersion is one root of the repository: its roles, who signs it and
// when it expires (zero: refTime plus a year).
type rootVersion struct {
	roles   map[string]role
	signers []*testKey
	expires time.Time
}

// canonicalJSON writes v as OLPC canonical JSON from encoding/json's
// output for maps (sorted keys, no whitespace): for the ASCII text the
// generator uses, whose only control character is the newline of PEM keys
// and which has no backslash, the one difference is that canonical JSON
// writes a newline as itself.
func canonicalJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		tb.Fatal(err)
	}
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if bytes.Contains(bytes.ReplaceAll(out, []byte(`\n`), nil), []byte(`\`)) {
		tb.Fatalf("canonicalJSON: an escape other than \\n in %s", out)
	}
	return bytes.ReplaceAll(out, []byte(`\n`), []byte("\n"))
}

// signFile writes a metadata file: signed, indented (so the client must
// canonicalize it), with a signature by each key.
func signFile(tb testing.TB, signed map[string]any, keys ...*testKey) []byte {
	tb.Helper()
	msg := canonicalJSON(tb, signed)
	sigs := []any{}
	for _, k := range keys {
		sigs = append(sigs, map[string]any{"keyid": k.id, "sig": hex.EncodeToString(k.sign(msg))})
	}
	out, err := json.MarshalIndent(map[string]any{"signatures": sigs, "signed": signed}, "", " ")
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func header(typ string, version int64, expires time.Time) map[string]any {
	if expires.IsZero() {
		expires = refTime.AddDate(1, 0, 0)
	}
	return map[string]any{"_type": typ, "spec_version": "1.0.31", "version": version, "expires": expires.Format(time.RFC3339)}
}

func rootSigned(version int64, r rootVersion, consistent bool) map[string]any {
	keys := map[string]any{}
	roles := map[string]any{}
	for name, rl := range r.roles {
		ids := []string{}
		for _, k := range rl.keys {
			keys[k.id] = k.entry
			ids = append(ids, k.id)
		}
		roles[name] = map[string]any{"keyids": ids, "threshold": rl.threshold}
	}
	m := header("root", version, r.expires)
	m["consistent_snapshot"] = consistent
	m["keys"] = keys
	m["roles"] = roles
	return m
}

func fileMeta(version int64, data []byte) map[string]any {
	s256 := sha256.Sum256(data)
	s512 := sha512.Sum512(data)
	return map[string]any{"version": version, "length": len(data),
		"hashes": map[string]any{"sha256": hex.EncodeToString(s256[:]), "sha512": hex.EncodeToString(s512[:])}}
}

// fixture describes a repository; build writes its files. Tests change the
// fixture before building, or the files after.
type fixture struct {
	roots      []rootVersion // roots[i] has version i+1
	trusted    int           // the version given to the client
	consistent bool
	targetName string // trusted_root.json
	target     []byte // its content
	// Versions of timestamp, snapshot and targets, and their expiry.
	tsVersion, snapVersion, targetsVersion int64
	tsExpires, snapExpires, targetsExpires time.Time
	// Edits of the signed parts before signing, and signers other than
	// the last root's.
	editTimestamp, editSnapshot, editTargets func(signed map[string]any)
	signTimestamp, signSnapshot, signTargets []*testKey
	files                                    map[string]string // path under the server -> body
	tb                                       testing.TB
}

// newFixture is one root (version 1) with an ECDSA root key, an ed25519
// timestamp key, an ECDSA snapshot key and an ed25519 targets key, all of
// threshold 1.
func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	return &fixture{
		tb:         tb,
		roots:      []rootVersion{oneKeyRoot(newECDSAKey(tb, pemKey), newEd25519Key(tb), newECDSAKey(tb, pemKey), newEd25519Key(tb))},
		trusted:    1,
		consistent: true,
		targetName: tuf.TrustedRootTarget,
		target:     []byte(`{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1"}`),
		tsVersion:  3, snapVersion: 5, targetsVersion: 7,
	}
}

// seededFixture is newFixture with seeded ed25519 keys: its files are the
// same in every process.
func seededFixture(tb testing.TB) *fixture {
	tb.Helper()
	f := newFixture(tb)
	f.roots = []rootVersion{oneKeyRoot(seededKey(1), seededKey(2), seededKey(3), seededKey(4))}
	return f
}

func oneKeyRoot(root, ts, snap, targets *testKey) rootVersion {
	return rootVersion{
		roles: map[string]role{
			"root": {[]*testKey{root}, 1}, "timestamp": {[]*testKey{ts}, 1},
			"snapshot": {[]*testKey{snap}, 1}, "targets": {[]*testKey{targets}, 1},
		},
		signers: []*testKey{root},
	}
}

func (f *fixture) last() rootVersion { return f.roots[len(f.roots)-1] }

func orSigners(keys []*testKey, r role) []*testKey {
	if keys != nil {
		return keys
	}
	return r.signers()
}

func edit(fn func(map[string]any), m map[string]any) map[string]any {
	if fn != nil {
		fn(m)
	}
	return m
}

func (f *fixture) metaName(version int64, role string) string {
	if f.consistent {
		return fmt.Sprintf("/meta/%d.%s.json", version, role)
	}
	return "/meta/" + role + ".json"
}

// build signs and stores every file of the repository.
func (f *fixture) build(tb testing.TB) {
	tb.Helper()
	f.files = map[string]string{}
	for i, r := range f.roots {
		f.files[fmt.Sprintf("/meta/%d.root.json", i+1)] = string(signFile(tb, rootSigned(int64(i+1), r, f.consistent), r.signers...))
	}
	roles := f.last().roles
	tm := fileMeta(0, f.target)
	targets := header("targets", f.targetsVersion, f.targetsExpires)
	targets["targets"] = map[string]any{f.targetName: map[string]any{"length": tm["length"], "hashes": tm["hashes"]}}
	targetsFile := signFile(tb, edit(f.editTargets, targets), orSigners(f.signTargets, roles["targets"])...)
	f.files[f.metaName(f.targetsVersion, "targets")] = string(targetsFile)

	snap := header("snapshot", f.snapVersion, f.snapExpires)
	snap["meta"] = map[string]any{"targets.json": fileMeta(f.targetsVersion, targetsFile)}
	snapFile := signFile(tb, edit(f.editSnapshot, snap), orSigners(f.signSnapshot, roles["snapshot"])...)
	f.files[f.metaName(f.snapVersion, "snapshot")] = string(snapFile)

	ts := header("timestamp", f.tsVersion, f.tsExpires)
	ts["meta"] = map[string]any{"snapshot.json": fileMeta(f.snapVersion, snapFile)}
	f.files["/meta/timestamp.json"] = string(signFile(tb, edit(f.editTimestamp, ts), orSigners(f.signTimestamp, roles["timestamp"])...))

	name := f.targetName
	if f.consistent {
		dir, base := path.Split(name)
		name = dir + fileMeta(0, f.target)["hashes"].(map[string]any)["sha256"].(string) + "." + base
	}
	f.files["/targets/"+name] = string(f.target)
}

// serve serves the files over httptest (127.0.0.1 only), through wrap if
// given, and returns a client of the repository with the trusted root.
func (f *fixture) serve(tb testing.TB, wrap func(http.Handler) http.Handler, opts ...tuf.Option) *tuf.Client {
	tb.Helper()
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := f.files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(body))
	})
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		tb.Fatalf("test server at %s, want 127.0.0.1", srv.URL)
	}
	opts = append([]tuf.Option{tuf.WithClock(func() time.Time { return refTime })}, opts...)
	c, err := tuf.New(srv.Client(), tuf.Repository{
		MetadataURL: srv.URL + "/meta",
		TargetsURL:  srv.URL + "/targets",
		Root:        []byte(f.files[fmt.Sprintf("/meta/%d.root.json", f.trusted)]),
	}, opts...)
	if err != nil {
		tb.Fatalf("tuf.New: %v", err)
	}
	return c
}
