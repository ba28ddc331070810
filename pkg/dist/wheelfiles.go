package dist

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// validEntryPoints is Warehouse's entry_points.txt rule (validate_entrypoints
// in warehouse/utils/wheel.py): the file must be UTF-8, must parse with
// Python's configparser as Warehouse configures it ('=' the only
// delimiter, case-sensitive keys, strict: no repeated section or key), and
// every key of console_scripts and gui_scripts must match [\w.-]+. The
// parser's quirks are rules too, so they are reproduced: lines split at
// "\n" only; a line indented deeper than its key continues the value even
// after blank lines and comments; a header runs from '[' to the last ']'
// and is not stripped; keys of [DEFAULT] belong to every section.
func validEntryPoints(b []byte) bool { return entryPointsProblem(b) == "" }

// entryPointsProblem says why the index refuses an entry_points.txt (its
// own message does not), or "" when it takes it.
func entryPointsProblem(b []byte) string {
	if !utf8.Valid(b) {
		return "the file is not UTF-8"
	}
	ini := iniState{keys: map[string]map[string]bool{}}
	n := 0
	for line := range strings.SplitSeq(string(b), "\n") {
		n++
		if why := ini.line(line); why != "" {
			return fmt.Sprintf("line %d: %s", n, why)
		}
	}
	defaults := ini.keys["DEFAULT"]
	for _, section := range []string{"console_scripts", "gui_scripts"} {
		keys, ok := ini.keys[section]
		if !ok {
			continue
		}
		for _, group := range []map[string]bool{keys, defaults} {
			for _, key := range slices.Sorted(maps.Keys(group)) {
				if !isScriptName(key) {
					return fmt.Sprintf("%s in [%s] is not a script name (letters, digits, '_', '.' and '-' only)", pyRepr(key), section)
				}
			}
		}
	}
	return ""
}

// iniState follows configparser's reading of one file.
type iniState struct {
	keys    map[string]map[string]bool // section -> keys ("DEFAULT" included)
	section string
	inValue bool // a key was read in this section, so deeper lines continue it
	indent  int  // the indentation of the last key or header
}

// line reads one line; a reason means configparser raises.
func (s *iniState) line(line string) string {
	value := strings.TrimFunc(line, pyIsSpace)
	if value == "" || value[0] == '#' || value[0] == ';' {
		return "" // blank lines and comments leave the value open
	}
	// Python counts the indentation in characters.
	indent := utf8.RuneCountInString(line[:strings.IndexFunc(line, func(r rune) bool { return !pyIsSpace(r) })])
	if s.inValue && indent > s.indent {
		return ""
	}
	s.indent = indent
	if end := strings.LastIndexByte(value, ']'); value[0] == '[' && end > 1 {
		name := value[1:end]
		if _, seen := s.keys[name]; seen && name != "DEFAULT" {
			return fmt.Sprintf("section [%s] appears twice", name)
		}
		if s.keys[name] == nil {
			s.keys[name] = map[string]bool{}
		}
		s.section, s.inValue = name, false
		return ""
	}
	key, _, found := strings.Cut(value, "=")
	key = strings.TrimRightFunc(key, pyIsSpace)
	keys := s.keys[s.section]
	switch {
	case keys == nil:
		return "an entry before any [section] header"
	case !found || key == "":
		return fmt.Sprintf("%s is not a 'name = value' line", pyRepr(value))
	case keys[key]:
		return fmt.Sprintf("%s appears twice in [%s]", pyRepr(key), s.section)
	}
	keys[key] = true
	s.inValue = true
	return ""
}

// isScriptName is fullmatch("[\w.-]+"), where \w is Python's: letters,
// every kind of number, and '_'.
func isScriptName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != '.' && r != '-' && r != '_' && !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			return false
		}
	}
	return true
}

// recordMismatch lists members that RECORD names but the archive lacks,
// and members the archive has but RECORD does not name (signatures of
// RECORD aside). The index accepts such wheels but emails the owners.
func recordMismatch(b []byte, members map[string]bool, distInfo string) []string {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	listed := map[string]bool{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return []string{"RECORD is not valid CSV"}
		}
		if len(rec) > 0 && rec[0] != "" {
			listed[rec[0]] = true
		}
	}
	var out []string
	for _, name := range sortedKeys(listed) {
		if !members[name] {
			out = append(out, name+" is listed in RECORD but not in the archive")
		}
	}
	for _, name := range sortedKeys(members) {
		if strings.HasSuffix(name, "/") || listed[name] || name == distInfo+"/RECORD.jws" || name == distInfo+"/RECORD.p7s" {
			continue
		}
		out = append(out, name+" is in the archive but not listed in RECORD")
	}
	return out
}
