package pypirc

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Default upload endpoints of the repositories every .pypirc knows.
const (
	PyPIURL     = "https://upload.pypi.org/legacy/"
	TestPyPIURL = "https://test.pypi.org/legacy/"
)

// The keys twine reads from a repository's section.
const (
	KeyRepository = "repository"
	KeyUsername   = "username"
	KeyPassword   = "password"
	KeyCACert     = "ca_cert"
	KeyClientCert = "client_cert"
)

// keys are twine's keys in the order get_config reads them.
var keys = []string{KeyUsername, KeyRepository, KeyPassword, KeyCACert, KeyClientCert}

// Repository is one repository's settings, as twine's get_config returns
// them.
type Repository struct {
	URL        string // the `repository` key, or the default for pypi/testpypi
	Username   string
	Password   string // a secret
	CACert     string // ca_cert: the CA bundle to verify the index with
	ClientCert string // client_cert: a PEM file with a client certificate and its key
	set        uint8  // bit i: keys[i] was given
}

// Has reports whether the file (or a built-in default) gave key, one of
// the Key constants, even as an empty value: an empty `password =` is an
// empty password, not a missing one.
func (r Repository) Has(key string) bool {
	i := slices.Index(keys, key)
	return i >= 0 && r.set&(1<<i) != 0
}

func (r *Repository) put(key, value string) {
	switch key {
	case KeyRepository:
		r.URL = value
	case KeyUsername:
		r.Username = value
	case KeyPassword:
		r.Password = value
	case KeyCACert:
		r.CACert = value
	case KeyClientCert:
		r.ClientCert = value
	}
	r.set |= 1 << slices.Index(keys, key)
}

// String describes the repository without its password.
func (r Repository) String() string {
	pw := ""
	if r.Password != "" {
		pw = "<redacted>"
	}
	return fmt.Sprintf("{URL:%s Username:%s Password:%s CACert:%s ClientCert:%s}", r.URL, r.Username, pw, r.CACert, r.ClientCert)
}

// GoString is String, so %#v does not print the password either.
func (r Repository) GoString() string { return "pypirc.Repository" + r.String() }

// Config is a parsed .pypirc. The zero value is an empty file.
type Config struct {
	defaults map[string]string            // [DEFAULT]
	sections map[string]map[string]string // by name, case-sensitive
	order    []string                     // section names in file order
}

// Kind names the Python exception a [ParseError] stands for.
type Kind string

// The errors reading a .pypirc can raise in twine: configparser's
// (RawConfigParser with strict=True) and the UTF-8 decoder's.
const (
	DuplicateSection     Kind = "DuplicateSectionError"
	DuplicateOption      Kind = "DuplicateOptionError"
	MissingSectionHeader Kind = "MissingSectionHeaderError"
	Parsing              Kind = "ParsingError"
	NotUTF8              Kind = "UnicodeDecodeError"
)

// ParseError is why a .pypirc could not be read, as configparser decides:
// the first duplicate section or option, a line before the first section,
// or, when nothing worse happened, every line that is neither a section,
// an option, a comment nor a continuation. The lines' text is never
// included: it may hold a password.
type ParseError struct {
	Kind    Kind
	Line    int    // 1-based; the first of Lines for Parsing; 0 for NotUTF8
	Lines   []int  // Parsing: every line that could not be read
	Section string // DuplicateSection, DuplicateOption
	Option  string // DuplicateOption
	Offset  int    // NotUTF8: the byte offset of the first invalid byte
}

func (e *ParseError) Error() string {
	switch e.Kind {
	case DuplicateSection:
		return fmt.Sprintf("pypirc: line %d: section [%s] already exists", e.Line, e.Section)
	case DuplicateOption:
		return fmt.Sprintf("pypirc: line %d: option %q in section [%s] already exists", e.Line, e.Option, e.Section)
	case MissingSectionHeader:
		return fmt.Sprintf("pypirc: line %d: an option before the first [section]", e.Line)
	case NotUTF8:
		return fmt.Sprintf("pypirc: byte %d: not UTF-8", e.Offset)
	}
	lines := make([]string, len(e.Lines))
	for i, n := range e.Lines {
		lines[i] = strconv.Itoa(n)
	}
	return fmt.Sprintf("pypirc: line %s: expected [section], 'key = value' or an indented continuation", strings.Join(lines, ", "))
}

// maxSize bounds the file; a .pypirc is a few hundred bytes.
const maxSize = 1 << 20

// ErrTooLarge is a file over 1 MiB, which no .pypirc is.
var ErrTooLarge = errors.New("pypirc: the file is larger than 1 MiB")

// Parse reads a .pypirc exactly as twine does: decoded as UTF-8, split
// into lines at "\n", "\r\n" or a lone "\r" (Python's universal newlines),
// then parsed by the rules of Python 3.11's configparser.RawConfigParser
// with its defaults: '=' or ':' between a key and its value; comments are
// whole lines starting with '#' or ';' (never inline, so values keep '#',
// ';' and '%'); a line indented deeper than its option continues the value,
// even after empty lines and comment lines; option names are lower-cased
// and section names are not; [DEFAULT] gives every section its options; a
// repeated section or option is an error. Errors are [*ParseError] or
// [ErrTooLarge].
func Parse(r io.Reader) (*Config, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("pypirc: reading: %w", err)
	}
	if len(b) > maxSize {
		return nil, ErrTooLarge
	}
	if !utf8.Valid(b) {
		return nil, &ParseError{Kind: NotUTF8, Offset: firstInvalid(b)}
	}
	p := parser{cfg: &Config{defaults: map[string]string{}, sections: map[string]map[string]string{}},
		values: map[string]map[string][]string{}, added: map[[2]string]bool{}}
	n := 0
	for line := range lines(string(b)) {
		n++
		if err := p.line(n, line); err != nil {
			return nil, err
		}
	}
	p.join()
	if len(p.bad) > 0 {
		return nil, &ParseError{Kind: Parsing, Line: p.bad[0], Lines: p.bad}
	}
	return p.cfg, nil
}

// firstInvalid is the offset of the first byte of b that is not UTF-8, as
// Python's decoder reports it.
func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// lines yields the lines of s without their ends: "\r\n", "\n" and a lone
// "\r" each end a line (Python's universal newlines, with which open()
// reads the file); other Unicode line breaks do not.
func lines(s string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for s != "" {
			i := strings.IndexAny(s, "\r\n")
			if i < 0 {
				yield(s)
				return
			}
			line, rest := s[:i], s[i+1:]
			if s[i] == '\r' && strings.HasPrefix(rest, "\n") {
				rest = rest[1:]
			}
			if !yield(line) {
				return
			}
			s = rest
		}
	}
}

// defaultSection is configparser's default_section.
const defaultSection = "DEFAULT"

// parser is the state of RawConfigParser._read.
type parser struct {
	cfg      *Config
	values   map[string]map[string][]string // section → option → value lines
	cur      map[string][]string            // the current section; nil before the first
	sectname string
	optname  string // the option continuation lines extend; "" for none
	level    int    // indent of the last section or option line
	added    map[[2]string]bool
	bad      []int // lines that could not be read (ParsingError)
}

func (p *parser) line(n int, line string) error {
	value := strip(line)
	if strings.HasPrefix(value, "#") || strings.HasPrefix(value, ";") {
		return nil // a comment, even between continuation lines
	}
	if value == "" {
		// An empty line belongs to the value being read (trailing ones are
		// stripped when joined).
		if p.cur != nil && p.optname != "" {
			p.cur[p.optname] = append(p.cur[p.optname], "")
		}
		return nil
	}
	in := indent(line)
	if p.cur != nil && p.optname != "" && in > p.level {
		p.cur[p.optname] = append(p.cur[p.optname], value)
		return nil
	}
	p.level = in
	if name, ok := sectionHeader(value); ok {
		return p.section(n, name)
	}
	if p.cur == nil {
		return &ParseError{Kind: MissingSectionHeader, Line: n}
	}
	return p.option(n, value)
}

// sectionHeader matches configparser's SECTCRE, `\[(?P<header>.+)\]`,
// at the start of the stripped line: the name runs to the line's last ']'
// and may not be empty; anything after that ']' is ignored.
func sectionHeader(value string) (string, bool) {
	if !strings.HasPrefix(value, "[") {
		return "", false
	}
	end := strings.LastIndexByte(value, ']')
	if end < 2 {
		return "", false
	}
	return value[1:end], true
}

func (p *parser) section(n int, name string) error {
	p.sectname = name
	switch {
	case name == defaultSection:
		// [DEFAULT] may appear more than once; its options may not.
		if p.values[defaultSection] == nil {
			p.values[defaultSection] = map[string][]string{}
		}
		p.cur = p.values[defaultSection]
	case p.values[name] != nil:
		return &ParseError{Kind: DuplicateSection, Line: n, Section: name}
	default:
		p.cur = map[string][]string{}
		p.values[name] = p.cur
		p.cfg.order = append(p.cfg.order, name)
	}
	p.optname = ""
	return nil
}

// option matches configparser's OPTCRE: the name runs to the first '=' or
// ':', the value follows it; both are stripped.
func (p *parser) option(n int, value string) error {
	i := strings.IndexAny(value, "=:")
	if i < 0 {
		p.bad = append(p.bad, n)
		return nil // the current option still takes continuation lines
	}
	name := lower(rstrip(value[:i]))
	if name == "" {
		p.bad = append(p.bad, n) // and the empty name is still stored
	}
	key := [2]string{p.sectname, name}
	if p.added[key] {
		return &ParseError{Kind: DuplicateOption, Line: n, Section: p.sectname, Option: name}
	}
	p.added[key] = true
	p.cur[name] = []string{strip(value[i+1:])}
	p.optname = name
	return nil
}

// join makes each option's lines one value, without trailing empty lines.
func (p *parser) join() {
	for name, opts := range p.values {
		dst := p.cfg.defaults
		if name != defaultSection {
			dst = map[string]string{}
			p.cfg.sections[name] = dst
		}
		for k, v := range opts {
			dst[k] = rstrip(strings.Join(v, "\n"))
		}
	}
}

// get is RawConfigParser.get: the section's option, else [DEFAULT]'s;
// false when the section or the option does not exist.
func (c *Config) get(section, option string) (string, bool) {
	if s, ok := c.sections[section]; ok {
		if v, ok := s[option]; ok {
			return v, true
		}
	} else if section != defaultSection {
		return "", false
	}
	v, ok := c.defaults[option]
	return v, ok
}

// Sections lists the file's sections in order, without [DEFAULT].
func (c *Config) Sections() []string { return slices.Clone(c.order) }

// Servers lists the repositories `[distutils] index-servers` names, split
// at whitespace; pypi and testpypi when [distutils] or the option is
// absent, as twine assumes.
func (c *Config) Servers() []string {
	v, ok := c.get("distutils", "index-servers")
	if !ok {
		v = "pypi testpypi"
	}
	return fields(v)
}

// Repository returns the named repository's settings as twine's
// get_config computes them; ok is false where twine reports "Missing
// section". Only the repositories index-servers lists are read; pypi
// always exists with its default URL, and testpypi with its own when it is
// listed. [server-login]'s username and password are every repository's
// defaults, and [DEFAULT]'s options those of every section.
func (c *Config) Repository(name string) (r Repository, ok bool) {
	for _, k := range []string{KeyUsername, KeyPassword} {
		if v, found := c.get("server-login", k); found {
			r.put(k, v)
		}
	}
	listed := slices.Contains(c.Servers(), name)
	switch {
	case name == "pypi":
		r.put(KeyRepository, PyPIURL)
		ok = true
	case name == "testpypi" && listed:
		r.put(KeyRepository, TestPyPIURL)
		ok = true
	}
	if listed {
		for _, k := range keys {
			if v, found := c.get(name, k); found {
				r.put(k, v)
				ok = true
			}
		}
	}
	if !ok {
		return Repository{}, false
	}
	return r, true
}
