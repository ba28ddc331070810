package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakesigstore"
	"github.com/pyupload/pyupload/internal/ui"
	"github.com/pyupload/pyupload/pkg/sigstore"
	"github.com/pyupload/pyupload/pkg/tuf"
)

// tufRepo serves a one-key TUF repository (root v1, consistent
// snapshots) whose targets are the given files.
func tufRepo(t *testing.T, targets map[string][]byte) tuf.Repository {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	keyid := hex.EncodeToString(pub[:8])
	expires := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	sign := func(signed map[string]any) []byte {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // canonical JSON escapes only \" and \\; nothing here needs more
		if err := enc.Encode(signed); err != nil {
			t.Fatal(err)
		}
		sig := ed25519.Sign(priv, bytes.TrimSuffix(b.Bytes(), []byte("\n")))
		out, err := json.Marshal(map[string]any{"signed": signed, "signatures": []any{map[string]any{"keyid": keyid, "sig": hex.EncodeToString(sig)}}})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	meta := func(typ string) map[string]any {
		return map[string]any{"_type": typ, "spec_version": "1.0.31", "version": 1, "expires": expires}
	}
	role := map[string]any{"keyids": []string{keyid}, "threshold": 1}
	root := meta("root")
	root["consistent_snapshot"] = true
	root["keys"] = map[string]any{keyid: map[string]any{"keytype": "ed25519", "scheme": "ed25519", "keyval": map[string]any{"public": hex.EncodeToString(pub)}}}
	root["roles"] = map[string]any{"root": role, "timestamp": role, "snapshot": role, "targets": role}
	files := map[string][]byte{}
	tg := meta("targets")
	list := map[string]any{}
	for name, b := range targets {
		sum := sha256.Sum256(b)
		list[name] = map[string]any{"length": len(b), "hashes": map[string]string{"sha256": hex.EncodeToString(sum[:])}}
		files["/targets/"+hex.EncodeToString(sum[:])+"."+name] = b
	}
	tg["targets"] = list
	files["/1.targets.json"] = sign(tg)
	snap := meta("snapshot")
	snap["meta"] = map[string]any{"targets.json": map[string]any{"version": 1}}
	files["/1.snapshot.json"] = sign(snap)
	ts := meta("timestamp")
	ts["meta"] = map[string]any{"snapshot.json": map[string]any{"version": 1}}
	files["/timestamp.json"] = sign(ts)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b, ok := files[r.URL.Path]; ok {
			_, _ = w.Write(b)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return tuf.Repository{MetadataURL: srv.URL, TargetsURL: srv.URL + "/targets", Root: sign(root)}
}

// TestSigstoreInstances: staging's trusted root and services come from its
// TUF repository; --sigstore-update takes production's root from its
// repository, and falls back, with a warning, to the one in the binary.
func TestSigstoreInstances(t *testing.T) {
	fake := fakesigstore.New()
	root := fake.TrustedRootJSON()
	cfg := fake.SigningConfigJSON("https://fulcio.staging.example", "https://rekor.staging.example")
	saved := tufRepositories
	t.Cleanup(func() { tufRepositories = saved })
	good := tufRepo(t, map[string][]byte{tufTrustedRoot: root, tufSigningConfig: cfg})
	down := tuf.Repository{MetadataURL: "http://127.0.0.1:9", TargetsURL: "http://127.0.0.1:9/targets", Root: good.Root}
	tufRepositories = map[string]func() tuf.Repository{
		instanceStaging:    func() tuf.Repository { return good },
		instanceProduction: func() tuf.Repository { return down },
	}
	var stderr bytes.Buffer
	pr := ui.New(&bytes.Buffer{}, &stderr, func(string) (string, bool) { return "", false })
	ctx := context.Background()
	instance := func(o sigstoreOptions) (*sigstore.Instance, error) {
		root, err := loadTrustedRoot(ctx, o, http.DefaultClient, pr)
		if err != nil {
			return nil, err
		}
		return loadInstance(ctx, o, root, http.DefaultClient)
	}
	inst, err := instance(sigstoreOptions{instance: instanceStaging})
	if err != nil {
		t.Fatal(err)
	}
	if inst.Fulcio.Host != "fulcio.staging.example" || inst.Rekor.Host != "rekor.staging.example" || len(inst.Root.CAs) != 1 {
		t.Errorf("staging instance = %s, %s, %d CAs", inst.Fulcio, inst.Rekor, len(inst.Root.CAs))
	}
	inst, err = instance(sigstoreOptions{instance: instanceProduction, update: true})
	if err != nil || inst.Fulcio.Host != "fulcio.sigstore.dev" || !strings.Contains(stderr.String(), "could not update Sigstore's trusted root") {
		t.Errorf("production with the repository down: %v, %v\n%s", inst, err, stderr.String())
	}
	tufRepositories[instanceStaging] = func() tuf.Repository { return down }
	if _, err := instance(sigstoreOptions{instance: instanceStaging}); err == nil {
		t.Error("staging without its repository: no error")
	}
	tufRepositories[instanceProduction] = func() tuf.Repository { return good }
	got, err := loadTrustedRoot(ctx, sigstoreOptions{instance: instanceProduction, update: true}, http.DefaultClient, pr)
	want, werr := sigstore.ParseTrustedRoot(root)
	if werr != nil {
		t.Fatal(werr)
	}
	if err != nil || len(got.CAs) != 1 || !got.CAs[0].Chain[0].Equal(want.CAs[0].Chain[0]) {
		t.Errorf("updated production root: %v, want the repository's (the fake Sigstore's)", err)
	}
}
