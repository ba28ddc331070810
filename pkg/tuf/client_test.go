package tuf_test

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/pkg/tuf"
)

// withRoles is base with some roles replaced, signed by signers.
func withRoles(base rootVersion, changes map[string]role, signers ...*testKey) rootVersion {
	roles := maps.Clone(base.roles)
	maps.Copy(roles, changes)
	return rootVersion{roles: roles, signers: signers}
}

// forged has k's key ID and entry but signs with another key.
func forged(tb testing.TB, k *testKey) *testKey {
	tb.Helper()
	other := newEd25519Key(tb)
	if k.entry["keytype"] != "ed25519" {
		other = newECDSAKey(tb, pemKey)
	}
	return &testKey{id: k.id, entry: k.entry, sign: other.sign}
}

// alias is k under another key ID.
func alias(k *testKey) *testKey {
	return &testKey{id: strings.Repeat("cd", 32), entry: k.entry, sign: k.sign}
}

// rotate makes three roots: version 2 changes the root keys to B and C with
// threshold 2 (signed by A, the old key, and by B and C); version 3 changes
// them to C and D (threshold 2, signed by B, C and D) and rotates the
// timestamp key. It returns the old and new timestamp keys.
func rotate(f *fixture) (old, current *testKey) {
	tb := f.tb
	tb.Helper()
	v1 := f.roots[0]
	a := v1.roles["root"].keys[0]
	b, c, d := newEd25519Key(tb), newECDSAKey(tb, hexPKIX), newEd25519Key(tb)
	ts2 := newECDSAKey(tb, hexPoint)
	v2 := withRoles(v1, map[string]role{"root": {[]*testKey{b, c}, 2}}, a, b, c)
	v3 := withRoles(v2, map[string]role{"root": {[]*testKey{c, d}, 2}, "timestamp": {[]*testKey{ts2}, 1}}, b, c, d)
	f.roots = append(f.roots, v2, v3)
	return v1.roles["timestamp"].keys[0], ts2
}

// sameKeyRoots makes three roots with the same keys.
func sameKeyRoots(f *fixture) {
	v1 := f.roots[0]
	f.roots = append(f.roots, v1, v1)
}

func isThreshold(role, by string, valid int) func(error) bool {
	return func(err error) bool {
		e, ok := errors.AsType[*tuf.ThresholdError](err)
		return ok && e.Role == role && e.By == by && e.Valid == valid
	}
}

func isExpired(role string) func(error) bool {
	return func(err error) bool {
		e, ok := errors.AsType[*tuf.ExpiredError](err)
		return ok && e.Role == role
	}
}

func isVersion(role string, got, want int64) func(error) bool {
	return func(err error) bool {
		e, ok := errors.AsType[*tuf.VersionError](err)
		return ok && e.Role == role && e.Got == got && e.Want == want
	}
}

func isMismatch(file, check string) func(error) bool {
	return func(err error) bool {
		e, ok := errors.AsType[*tuf.MismatchError](err)
		return ok && e.File == file && e.Check == check
	}
}

func isTooLarge(file string) func(error) bool {
	return func(err error) bool {
		e, ok := errors.AsType[*tuf.TooLargeError](err)
		return ok && e.File == file
	}
}

func isFormat(file string) func(error) bool {
	return func(err error) bool {
		e, ok := errors.AsType[*tuf.FormatError](err)
		return ok && e.File == file
	}
}

func isHTTP(file string, status int) func(error) bool {
	return func(err error) bool {
		e, ok := errors.AsType[*tuf.HTTPError](err)
		return ok && e.File == file && e.StatusCode == status
	}
}

func is(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

func anyError(err error) bool { return err != nil }

// onPath replaces the answer for one path.
func onPath(p string, h http.HandlerFunc) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == p {
				h(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

type clientCase struct {
	name   string
	setup  func(f *fixture)                // before build
	after  func(f *fixture)                // after build
	wrap   func(http.Handler) http.Handler // the server
	opts   []tuf.Option
	target string           // default trusted_root.json
	check  func(error) bool // nil: success
}

func runClientCase(t *testing.T, tc clientCase) {
	t.Helper()
	f := newFixture(t)
	if tc.setup != nil {
		tc.setup(f)
	}
	f.build(t)
	if tc.after != nil {
		tc.after(f)
	}
	c := f.serve(t, tc.wrap, tc.opts...)
	name := tc.target
	if name == "" {
		name = tuf.TrustedRootTarget
	}
	got, err := c.Target(t.Context(), name)
	switch {
	case tc.check == nil && err != nil:
		t.Fatalf("Target(%q) = %v, want success", name, err)
	case tc.check == nil && !bytes.Equal(got, f.target):
		t.Fatalf("Target(%q) = %q, want %q", name, got, f.target)
	case tc.check != nil && (err == nil || !tc.check(err)):
		t.Fatalf("Target(%q) = %v (%T), want another error", name, err, errors.Unwrap(err))
	case err != nil && !strings.HasPrefix(err.Error(), "tuf: ") && !strings.Contains(err.Error(), ": tuf: ") && !errors.Is(err, context.DeadlineExceeded):
		t.Errorf("Target(%q) = %q: the message does not name the package", name, err)
	}
}

// blockUntilDone answers after the request's context ends.
func blockUntilDone(_ http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second):
	}
}
