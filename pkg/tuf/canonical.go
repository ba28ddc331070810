package tuf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxDepth bounds the nesting of metadata; TUF metadata nests a few levels.
const maxDepth = 64

var errTrailingData = errors.New("data after the JSON value")

// canonical returns the OLPC canonical JSON form of the JSON text data, as
// securesystemslib's encode_canonical writes it: object keys sorted by code
// point, no insignificant whitespace, strings escaping only '"' and '\'
// (every other character as itself, in UTF-8), integers only. It refuses
// floating-point numbers, invalid UTF-8, duplicate object keys (which
// parsers resolve differently) and data after the value.
func canonical(data []byte) ([]byte, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("invalid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var buf bytes.Buffer
	if err := canonicalValue(dec, &buf, 0); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errTrailingData
	}
	return buf.Bytes(), nil
}

func canonicalValue(dec *json.Decoder, buf *bytes.Buffer, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("nested deeper than %d", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return canonicalObject(dec, buf, depth)
		}
		if v == '[' {
			return canonicalArray(dec, buf, depth)
		}
		return fmt.Errorf("unexpected %q", v)
	case string:
		writeString(buf, v)
	case json.Number:
		s, err := canonicalInteger(v)
		if err != nil {
			return err
		}
		buf.WriteString(s)
	case bool:
		buf.WriteString(map[bool]string{true: "true", false: "false"}[v])
	case nil:
		buf.WriteString("null")
	}
	return nil
}

// canonicalInteger accepts the JSON integers (no fraction, no exponent).
func canonicalInteger(n json.Number) (string, error) {
	s := string(n)
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", fmt.Errorf("number %s is not an integer", s)
	}
	if digits == "0" {
		return "0", nil // -0 is 0
	}
	return s, nil
}

func canonicalObject(dec *json.Decoder, buf *bytes.Buffer, depth int) error {
	type member struct {
		key   string
		value []byte
	}
	var members []member
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("object key %v is not a string", tok)
		}
		if seen[key] {
			return fmt.Errorf("duplicate object key %q", key)
		}
		seen[key] = true
		var value bytes.Buffer
		if err := canonicalValue(dec, &value, depth+1); err != nil {
			return err
		}
		members = append(members, member{key, value.Bytes()})
	}
	if _, err := dec.Token(); err != nil { // '}'
		return err
	}
	// Go compares strings bytewise, which for UTF-8 is code point order,
	// the order of Python's sorted().
	slices.SortFunc(members, func(a, b member) int { return strings.Compare(a.key, b.key) })
	buf.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeString(buf, m.key)
		buf.WriteByte(':')
		buf.Write(m.value)
	}
	buf.WriteByte('}')
	return nil
}

func canonicalArray(dec *json.Decoder, buf *bytes.Buffer, depth int) error {
	buf.WriteByte('[')
	for i := 0; dec.More(); i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := canonicalValue(dec, buf, depth+1); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // ']'
		return err
	}
	buf.WriteByte(']')
	return nil
}

func writeString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			buf.WriteByte('\\')
		}
		buf.WriteByte(s[i])
	}
	buf.WriteByte('"')
}
