package pep440

import (
	"errors"
	"testing"
)

// FuzzParseVersion checks that ParseVersion never panics, that every error
// is a *VersionError, and that normalisation is idempotent: the normalised
// form parses back to an equal version with the same string.
func FuzzParseVersion(f *testing.F) {
	for _, tt := range versionTests {
		f.Add(tt.in)
	}
	for _, tt := range invalidVersions {
		f.Add(tt.in)
	}
	for _, s := range pep440Order {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		v, err := ParseVersion(in)
		if err != nil {
			ve, ok := errors.AsType[*VersionError](err)
			if !ok {
				t.Fatalf("ParseVersion(%q) error = %T, want *VersionError", in, err)
			}
			if ve.Version != in {
				t.Fatalf("ParseVersion(%q) error Version = %q, want %q", in, ve.Version, in)
			}
			return
		}
		s := v.String()
		again, err := ParseVersion(s)
		if err != nil {
			t.Fatalf("ParseVersion(%q) error = %v, want nil (normalised from %q)", s, err, in)
		}
		if got := again.String(); got != s {
			t.Fatalf("ParseVersion(%q).String() = %q, want %q (normalised from %q)", s, got, s, in)
		}
		if !again.Equal(v) || v.Compare(again) != 0 || again.Compare(v) != 0 {
			t.Fatalf("ParseVersion(%q).Compare(ParseVersion(%q)) != 0", s, in)
		}
		want := v.Public()
		if v.IsLocal() {
			want += "+" + v.Local()
		}
		if s != want {
			t.Fatalf("ParseVersion(%q): Public()+Local() = %q, want String() %q", in, want, s)
		}
	})
}
