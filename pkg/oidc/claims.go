package oidc

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
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
		body := strings.TrimRight(part, "=")
		switch {
		case body == "":
			return &ClaimsError{Reason: fmt.Sprintf("part %d is empty", i+1)}
		case len(part)-len(body) > 2:
			return &ClaimsError{Reason: fmt.Sprintf("part %d has more than two '=' of padding", i+1)}
		}
		for _, r := range body {
			if !base64URL(r) {
				return &ClaimsError{Reason: fmt.Sprintf("part %d is not base64url: it contains %s", i+1, describe(r))}
			}
		}
	}
	return nil
}

func base64URL(r rune) bool {
	return 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_'
}

// describe names the class of a character a token may not hold, never the
// character itself.
func describe(r rune) string {
	switch {
	case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\u0085':
		return "a line break"
	case unicode.IsControl(r):
		return "a control character"
	case unicode.IsSpace(r):
		return "whitespace"
	case r >= utf8.RuneSelf:
		return "a non-ASCII character or a byte that is not UTF-8"
	}
	return "punctuation other than '-' and '_'"
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
