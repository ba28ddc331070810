package tuf_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pyupload/pyupload/pkg/tuf"
)

func TestNew(t *testing.T) {
	t.Parallel()
	good := tuf.Staging()
	with := func(edit func(*tuf.Repository)) tuf.Repository {
		r := good
		edit(&r)
		return r
	}
	tests := []struct {
		name    string
		client  *http.Client
		repo    tuf.Repository
		opts    []tuf.Option
		wantErr bool
	}{
		{name: "staging", client: noNetwork(), repo: good},
		{name: "all options", client: noNetwork(), repo: good, opts: []tuf.Option{
			tuf.WithClock(time.Now), tuf.WithTimeout(time.Second), tuf.WithLimits(tuf.Limits{Root: 1, RootRotations: 2}),
		}},
		{name: "no client", repo: good, wantErr: true},
		{name: "no root", client: noNetwork(), repo: with(func(r *tuf.Repository) { r.Root = nil }), wantErr: true},
		{name: "a timestamp as root", client: noNetwork(), repo: with(func(r *tuf.Repository) {
			r.Root = []byte(`{"signed":{"_type":"timestamp","spec_version":"1.0","version":1,"expires":"2030-01-01T00:00:00Z"},"signatures":[]}`)
		}), wantErr: true},
		{name: "root without a timestamp role", client: noNetwork(), repo: with(func(r *tuf.Repository) {
			r.Root = []byte(`{"signed":{"_type":"root","spec_version":"1.0","version":1,"expires":"2030-01-01T00:00:00Z","roles":{}},"signatures":[]}`)
		}), wantErr: true},
		{name: "spec version 2", client: noNetwork(), repo: with(func(r *tuf.Repository) {
			r.Root = []byte(`{"signed":{"_type":"root","spec_version":"2.0","version":1,"expires":"2030-01-01T00:00:00Z"},"signatures":[]}`)
		}), wantErr: true},
		{name: "metadata URL not http", client: noNetwork(), repo: with(func(r *tuf.Repository) { r.MetadataURL = "file:///etc" }), wantErr: true},
		{name: "targets URL with a query", client: noNetwork(), repo: with(func(r *tuf.Repository) { r.TargetsURL += "?a=b" }), wantErr: true},
		{name: "nil clock", client: noNetwork(), repo: good, opts: []tuf.Option{tuf.WithClock(nil)}, wantErr: true},
		{name: "zero timeout", client: noNetwork(), repo: good, opts: []tuf.Option{tuf.WithTimeout(0)}, wantErr: true},
		{name: "negative limit", client: noNetwork(), repo: good, opts: []tuf.Option{tuf.WithLimits(tuf.Limits{Target: -1})}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tuf.New(tc.client, tc.repo, tc.opts...)
			if (err != nil) != tc.wantErr {
				t.Errorf("New() = %v, want error %v", err, tc.wantErr)
			}
		})
	}
}

func TestVerifyKeys(t *testing.T) {
	t.Parallel()
	msg := []byte("signed bytes")
	ec := newECDSAKey(t, pemKey)
	ed := newEd25519Key(t)
	public := func(k *testKey) string { return k.entry["keyval"].(map[string]any)["public"].(string) }
	tests := []struct {
		name                 string
		keytype, scheme, pub string
		sig                  string
		want                 bool
	}{
		{"ecdsa PEM", "ecdsa", "ecdsa-sha2-nistp256", public(ec), hexSig(ec, msg), true},
		{"ecdsa compat keytype", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256", public(ec), hexSig(ec, msg), true},
		{"ed25519", "ed25519", "ed25519", public(ed), hexSig(ed, msg), true},
		{"ed25519 wrong message", "ed25519", "ed25519", public(ed), hexSig(ed, []byte("other")), false},
		{"ecdsa with the ed25519 scheme", "ecdsa", "ed25519", public(ec), hexSig(ec, msg), false},
		{"ecdsa P-384 scheme", "ecdsa", "ecdsa-sha2-nistp384", public(ec), hexSig(ec, msg), false},
		{"rsa", "rsa", "rsassa-pss-sha256", public(ec), hexSig(ec, msg), false},
		{"ed25519 key too short", "ed25519", "ed25519", public(ed)[2:], hexSig(ed, msg), false},
		{"PEM with trailing data", "ecdsa", "ecdsa-sha2-nistp256", public(ec) + "x", hexSig(ec, msg), false},
		{"signature not hex", "ed25519", "ed25519", public(ed), "zz", false},
		{"empty signature", "ecdsa", "ecdsa-sha2-nistp256", public(ec), "", false},
		{"ed25519 key as ecdsa", "ecdsa", "ecdsa-sha2-nistp256", public(ed), hexSig(ed, msg), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tuf.Verify(tc.keytype, tc.scheme, tc.pub, msg, tc.sig); got != tc.want {
				t.Errorf("Verify(%s) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}
