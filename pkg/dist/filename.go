package dist

import (
	"path"
	"slices"
	"strings"
	"unicode"
)

// Kind is the type of a distribution, named as the index's filetype field.
type Kind string

// The distribution kinds the index accepts.
const (
	Wheel Kind = "bdist_wheel"
	Sdist Kind = "sdist"
)

// Filename is a parsed distribution filename. Name and Version keep the raw
// text from the filename, because the index looks archive members up by it
// and demands it be exactly normalised; [Filename.ParsedVersion] is the
// parsed form.
type Filename struct {
	Base          string   // the base name, e.g. "pkg-1.0-py3-none-any.whl"
	Kind          Kind     // Wheel or Sdist
	Ext           string   // ".whl", ".tar.gz" or ".zip"
	Name          string   // raw distribution part, e.g. "pkg"
	Version       string   // raw version part, e.g. "1.0"
	ParsedVersion Version  // Version parsed as PEP 440
	Build         string   // wheel build tag, "" when absent
	PythonTags    []string // wheel python tags of the compressed tag set, e.g. ["py2", "py3"]
	ABITags       []string // wheel ABI tags
	PlatformTags  []string // wheel platform tags
}

// LegacyZip reports whether the file is a .zip sdist, which the index
// accepts by extension but always rejects by PEP 625.
func (f *Filename) LegacyZip() bool { return f.Kind == Sdist && f.Ext == ".zip" }

// PythonTag is the value of the index's pyversion field: the wheel's python
// tag set as written ("py2.py3", "cp312"), or "source" for an sdist.
func (f *Filename) PythonTag() string {
	if f.Kind == Sdist {
		return "source"
	}
	return strings.Join(f.PythonTags, ".")
}

// ParseFilename parses the base name of a wheel (PEP 427) or sdist
// (.tar.gz, or a legacy .zip so it can be rejected with a reason). It
// follows packaging's parse_wheel_filename and parse_sdist_filename, which
// the index uses, and returns a [*FilenameError] or [ErrUnknownFormat].
func ParseFilename(name string) (*Filename, error) {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	switch {
	case strings.HasSuffix(base, ".whl"):
		return parseWheelFilename(base)
	case strings.HasSuffix(base, ".tar.gz"):
		return parseSdistFilename(base, ".tar.gz")
	case strings.HasSuffix(base, ".zip"):
		return parseSdistFilename(base, ".zip")
	}
	return nil, ErrUnknownFormat
}

func parseWheelFilename(base string) (*Filename, error) {
	bad := func(reason string) (*Filename, error) {
		return nil, &FilenameError{Filename: base, Reason: reason}
	}
	stem := strings.TrimSuffix(base, ".whl")
	dashes := strings.Count(stem, "-")
	if dashes != 4 && dashes != 5 {
		return bad("wrong number of parts (want name-version[-build]-python-abi-platform.whl)")
	}
	parts := strings.Split(stem, "-")
	f := &Filename{Base: base, Kind: Wheel, Ext: ".whl", Name: parts[0], Version: parts[1]}
	if !validWheelNamePart(f.Name) {
		return bad("invalid project name " + quote(f.Name))
	}
	v, err := ParseVersion(f.Version)
	if err != nil {
		return bad("invalid version " + quote(f.Version))
	}
	f.ParsedVersion = v
	tags := parts[2:]
	if dashes == 5 {
		f.Build = parts[2]
		if f.Build == "" || f.Build[0] < '0' || f.Build[0] > '9' {
			return bad("invalid build tag " + quote(f.Build) + " (must start with a digit)")
		}
		tags = parts[3:]
	}
	if slices.Contains(tags, "") {
		return bad("empty tag")
	}
	f.PythonTags = strings.Split(tags[0], ".")
	f.ABITags = strings.Split(tags[1], ".")
	f.PlatformTags = strings.Split(tags[2], ".")
	for _, set := range [][]string{f.PythonTags, f.ABITags, f.PlatformTags} {
		if slices.Contains(set, "") {
			return bad("empty tag in compressed tag set")
		}
	}
	return f, nil
}

// validWheelNamePart mirrors packaging: word characters, digits, '.' and
// '_', and no "__".
func validWheelNamePart(s string) bool {
	if s == "" || strings.Contains(s, "__") {
		return false
	}
	for _, r := range s {
		if !(r == '.' || r == '_' || isASCIIAlnum(r) || r > 0x7f && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

func parseSdistFilename(base, ext string) (*Filename, error) {
	stem := strings.TrimSuffix(base, ext)
	i := strings.LastIndexByte(stem, '-')
	if i <= 0 || i == len(stem)-1 {
		return nil, &FilenameError{Filename: base, Reason: "want <name>-<version>" + ext}
	}
	f := &Filename{Base: base, Kind: Sdist, Ext: ext, Name: stem[:i], Version: stem[i+1:]}
	v, err := ParseVersion(f.Version)
	if err != nil {
		return nil, &FilenameError{Filename: base, Reason: "invalid version " + quote(f.Version)}
	}
	f.ParsedVersion = v
	return f, nil
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// quote renders a value the way the index's messages do: in single quotes.
func quote(s string) string { return "'" + s + "'" }
