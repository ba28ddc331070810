package oidc

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Claims are a JWT's decoded payload.
type Claims map[string]any

// ClaimsError reports a token whose payload cannot be decoded.
type ClaimsError struct{ Reason string }

func (e *ClaimsError) Error() string { return "oidc: malformed token: " + e.Reason }

// ParseClaims decodes a JWT's payload without verifying it. Segments may be
// base64url with or without padding.
func ParseClaims(token string) (Claims, error) {
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return nil, &ClaimsError{Reason: fmt.Sprintf("want 3 dot-separated parts, got %d", len(parts))}
	}
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
