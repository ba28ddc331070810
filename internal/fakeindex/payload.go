package fakeindex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// pydanticVersion appears in the links of pydantic's error texts.
const pydanticVersion = "2.12"

// parseTokenPayload is Warehouse's TokenPayload.model_validate_json(body):
// the body must be a JSON object whose "token" is a string (StrictStr);
// other keys are ignored. It returns the token, or a description of the
// failure in the shape of pydantic's ValidationError text:
//
//	1 validation error for TokenPayload
//	token
//	  Field required [type=missing, input_value={}, input_type=dict]
//	    For further information visit https://errors.pydantic.dev/2.12/v/missing
//
// The shape, error types and input reprs follow pydantic; the wording of
// JSON syntax errors is Go's, not pydantic's parser's.
func parseTokenPayload(body []byte) (token, description string) {
	if err := checkJSON(body); err != nil {
		return "", pydanticError("", "Invalid JSON: "+err.Error(), "json_invalid", pyBytesRepr(body), "bytes")
	}
	repr, typ := pyReprJSON(body)
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil || obj == nil {
		return "", pydanticError("", "Input should be an object", "model_type", repr, typ)
	}
	raw, ok := obj["token"]
	if !ok {
		return "", pydanticError("token", "Field required", "missing", repr, typ)
	}
	if err := json.Unmarshal(raw, &token); err != nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		vrepr, vtyp := pyReprJSON(raw)
		return "", pydanticError("token", "Input should be a valid string", "string_type", vrepr, vtyp)
	}
	return token, ""
}

// checkJSON reports a syntax error with its line and column, as pydantic
// does.
func checkJSON(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	var v any
	if err := dec.Decode(&v); err != nil {
		off := int64(len(body))
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			off = se.Offset
		}
		msg := err.Error()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			msg = "EOF while parsing a value"
		}
		return fmt.Errorf("%s at %s", msg, position(body, off))
	}
	rest := body[dec.InputOffset():]
	if trimmed := bytes.TrimLeft(rest, " \t\r\n"); len(trimmed) > 0 {
		return fmt.Errorf("trailing characters at %s", position(body, int64(len(body)-len(trimmed)+1)))
	}
	return nil
}

// position renders a byte offset as "line L column C" (1-based line,
// column counted in characters before the offset).
func position(body []byte, off int64) string {
	off = min(max(off, 0), int64(len(body)))
	before := body[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
	return fmt.Sprintf("line %d column %d", line, col)
}

// pydanticError renders a one-error ValidationError for TokenPayload.
func pydanticError(loc, msg, typ, inputRepr, inputType string) string {
	var b strings.Builder
	b.WriteString("1 validation error for TokenPayload\n")
	if loc != "" {
		b.WriteString(loc + "\n")
	}
	fmt.Fprintf(&b, "  %s [type=%s, input_value=%s, input_type=%s]\n", msg, typ, truncateRepr(inputRepr), inputType)
	fmt.Fprintf(&b, "    For further information visit https://errors.pydantic.dev/%s/v/%s", pydanticVersion, typ)
	return b.String()
}

// truncateRepr shortens a long input_value as pydantic-core does: the
// first 25 and last 24 characters around "...".
func truncateRepr(s string) string {
	r := []rune(s)
	if len(r) <= 50 {
		return s
	}
	return string(r[:25]) + "..." + string(r[len(r)-24:])
}

// pyBytesRepr is Python's repr() of a bytes value.
func pyBytesRepr(b []byte) string {
	quote := byte('\'')
	if bytes.IndexByte(b, '\'') >= 0 && bytes.IndexByte(b, '"') < 0 {
		quote = '"'
	}
	var s strings.Builder
	s.WriteString("b")
	s.WriteByte(quote)
	for _, c := range b {
		switch {
		case c == quote || c == '\\':
			s.WriteByte('\\')
			s.WriteByte(c)
		case c == '\n':
			s.WriteString(`\n`)
		case c == '\r':
			s.WriteString(`\r`)
		case c == '\t':
			s.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&s, `\x%02x`, c)
		default:
			s.WriteByte(c)
		}
	}
	s.WriteByte(quote)
	return s.String()
}

// pyReprJSON returns Python's repr() of the value json.loads would make of
// data (dicts keep their key order), and its Python type name.
func pyReprJSON(data []byte) (repr, typ string) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var b strings.Builder
	typ, err := reprValue(dec, &b)
	if err != nil {
		return pyBytesRepr(data), "bytes"
	}
	return b.String(), typ
}

func reprValue(dec *json.Decoder, b *strings.Builder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			b.WriteByte('{')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					b.WriteString(", ")
				}
				k, err := dec.Token()
				if err != nil {
					return "", err
				}
				b.WriteString(pyRepr(fmt.Sprint(k)) + ": ")
				if _, err := reprValue(dec, b); err != nil {
					return "", err
				}
			}
			_, err := dec.Token()
			b.WriteByte('}')
			return "dict", err
		}
		b.WriteByte('[')
		for i := 0; dec.More(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			if _, err := reprValue(dec, b); err != nil {
				return "", err
			}
		}
		_, err := dec.Token()
		b.WriteByte(']')
		return "list", err
	case string:
		b.WriteString(pyRepr(t))
		return "str", nil
	case bool:
		if t {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
		return "bool", nil
	case nil:
		b.WriteString("None")
		return "NoneType", nil
	case json.Number:
		s := t.String()
		if !strings.ContainsAny(s, ".eE") {
			b.WriteString(strings.TrimPrefix(s, "+"))
			return "int", nil
		}
		f, _ := strconv.ParseFloat(s, 64)
		b.WriteString(pyFloatRepr(f))
		return "float", nil
	}
	return "", fmt.Errorf("unexpected token %v", tok)
}

// pyFloatRepr is Python's repr() of a float: the shortest round-trip
// digits, with ".0" for integral values and exponents outside 1e-4..1e16.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	if a := math.Abs(f); a != 0 && (a < 1e-4 || a >= 1e16) {
		return strconv.FormatFloat(f, 'e', -1, 64) // Go and Python both write "1e+16", "1.5e-07"
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
