package fakeindex

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// validEntryPoints is Warehouse's entry_points.txt rule (2026-05): the
// text is UTF-8, configparser (delimiters "=", optionxform str, strict)
// reads it without error, and in console_scripts and gui_scripts every
// name, [DEFAULT]'s included, matches [\w.-]+. The client's reader
// (pkg/dist/wheelfiles.go) is separate; this one follows configparser's
// _read loop as a sequence of line kinds.
func validEntryPoints(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	sections := map[string][]string{} // DEFAULT included
	cur, open := "", false            // current section; whether a key's value is open
	keyIndent := 0
	for line := range strings.SplitSeq(string(b), "\n") {
		stripped := strings.TrimFunc(line, isPySpace)
		if stripped == "" || strings.HasPrefix(stripped, "#") || strings.HasPrefix(stripped, ";") {
			continue
		}
		indent := len([]rune(line)) - len([]rune(strings.TrimLeftFunc(line, isPySpace)))
		if open && indent > keyIndent {
			continue // continuation
		}
		keyIndent = indent
		if m := iniSection.FindStringSubmatch(stripped); m != nil {
			if _, dup := sections[m[1]]; dup && m[1] != "DEFAULT" {
				return false // DuplicateSectionError
			}
			if _, ok := sections[m[1]]; !ok {
				sections[m[1]] = []string{}
			}
			cur, open = m[1], false
			continue
		}
		key, _, found := strings.Cut(stripped, "=")
		key = strings.TrimRightFunc(key, isPySpace)
		keys, inSection := sections[cur]
		if !inSection || !found || key == "" {
			return false // MissingSectionHeaderError or ParsingError
		}
		if slices.Contains(keys, key) {
			return false // DuplicateOptionError
		}
		sections[cur], open = append(keys, key), true
	}
	return scriptNamesOK(sections)
}

var (
	iniSection = regexp.MustCompile(`^\[(.+)\]`)
	// \w as Python's re has it: letters, numbers of every kind, '_'.
	entryPointName = regexp.MustCompile(`^[\pL\pN_.-]+$`)
)

func scriptNamesOK(sections map[string][]string) bool {
	for _, name := range []string{"console_scripts", "gui_scripts"} {
		keys, ok := sections[name]
		if !ok {
			continue
		}
		for _, k := range append(keys, sections["DEFAULT"]...) {
			if !entryPointName.MatchString(k) {
				return false
			}
		}
	}
	return true
}
