package oidc

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/pyupload/pyupload/internal/secret"
)

// Claims are a JWT's decoded payload.
type Claims map[string]any

// ClaimsError reports a token whose payload cannot be decoded.
type ClaimsError struct{ Reason string }

func (e *ClaimsError) Error() string { return "oidc: malformed token: " + e.Reason }

// ParseClaims decodes a JWT's payload without verifying it. Segments may be
// base64url with or without padding. The token must have a JWT's shape
// ([CheckToken]) once surrounding whitespace is trimmed.
func ParseClaims(token string) (Claims, error) {
	token = strings.TrimSpace(token)
	if err := CheckToken(token); err != nil {
		return nil, err
	}
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, &ClaimsError{Reason: "payload is not base64url"}
	}
	var c Claims
	if err := json.Unmarshal(raw, &c); err != nil || c == nil {
		return nil, &ClaimsError{Reason: "payload is not a JSON object"}
	}
	return c, nil
}

// CheckToken reports whether token has a signed JWT's shape: three
// non-empty parts separated by dots, each of base64url characters (A-Z,
// a-z, 0-9, '-', '_') with at most two '=' of padding. An identity token
// is masked with ::add-mask:: and sent to the index, so anything else (a
// line break, a space, a control character) is refused, as a
// [*ClaimsError] that says what is wrong without quoting the token.
func CheckToken(token string) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return &ClaimsError{Reason: fmt.Sprintf("want 3 dot-separated parts, got %d", len(parts))}
	}
	for i, part := range parts {
		if problem := secret.Base64URLProblem(part); problem != "" {
			return &ClaimsError{Reason: fmt.Sprintf("part %d %s", i+1, problem)}
		}
	}
	return nil
}

// String returns a claim as text: strings as they are, numbers and
// booleans formatted, arrays as JSON; ok is false when it is absent.
func (c Claims) String(name string) (string, bool) {
	v, ok := c[name]
	if !ok || v == nil {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return v, true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return fmt.Sprint(v), true
	}
	b, _ := json.Marshal(v)
	return string(b), true
}

// Audience returns the aud claim when it is a single string.
func (c Claims) Audience() (string, bool) {
	s, ok := c["aud"].(string)
	return s, ok
}
