package sigstore

import (
	"encoding/base64"
	"errors"
	"testing"
)

// TestTokenSubject: the proof of possession signs what Fulcio takes as
// the subject: a verified email when the token has one (Google's service
// accounts), else sub.
func TestTokenSubject(t *testing.T) {
	jwt := func(payload string) string {
		return "e30." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
	}
	for _, tc := range []struct {
		payload, want string
		err           error
	}{
		{`{"sub":"repo:o/r:ref:refs/tags/v1"}`, "repo:o/r:ref:refs/tags/v1", nil},
		{`{"sub":"1234","email":"ci@p.iam.gserviceaccount.com","email_verified":true}`, "ci@p.iam.gserviceaccount.com", nil},
		{`{"sub":"1234","email":"ci@p.iam.gserviceaccount.com","email_verified":"true"}`, "ci@p.iam.gserviceaccount.com", nil},
		{`{"sub":"1234","email":"ci@p.iam.gserviceaccount.com"}`, "", ErrUnverifiedEmail},
		{`{"sub":"1234","email":"ci@p.iam.gserviceaccount.com","email_verified":false}`, "", ErrUnverifiedEmail},
		{`{"aud":"sigstore"}`, "", ErrBadToken},
		{`not json`, "", ErrBadToken},
	} {
		got, err := tokenSubject(jwt(tc.payload))
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("%s: %q, %v; want %q, %v", tc.payload, got, err, tc.want, tc.err)
		}
	}
}
