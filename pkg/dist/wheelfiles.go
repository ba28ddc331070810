package dist

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// validEntryPoints applies the index's entry_points.txt rule: UTF-8, INI
// syntax, and console/gui script names made of word characters, '.' and
// '-'.
func validEntryPoints(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	section := ""
	for line := range strings.SplitSeq(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case line[0] == '[':
			if !strings.HasSuffix(line, "]") {
				return false
			}
			section = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		key, _, ok := strings.Cut(line, "=")
		if !ok || section == "" {
			return false
		}
		if section == "console_scripts" || section == "gui_scripts" {
			if !isScriptName(strings.TrimSpace(key)) {
				return false
			}
		}
	}
	return true
}

func isScriptName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != '.' && r != '-' && r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
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
