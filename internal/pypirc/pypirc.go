package pypirc

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Default upload endpoints of the repositories every .pypirc knows.
const (
	PyPIURL     = "https://upload.pypi.org/legacy/"
	TestPyPIURL = "https://test.pypi.org/legacy/"
)

// Repository is one section's upload settings.
type Repository struct {
	URL      string // the `repository` key, or the default for pypi/testpypi
	Username string
	Password string // a secret
}

// Config is a parsed .pypirc.
type Config struct {
	sections map[string]map[string]string
}

// ParseError reports a line that is neither a section, an option, a
// comment nor a continuation. The line's text is not included: it may hold
// a password.
type ParseError struct {
	Line   int
	Reason string
}

func (e *ParseError) Error() string { return fmt.Sprintf("pypirc: line %d: %s", e.Line, e.Reason) }

// maxLine bounds a line; a .pypirc is a few hundred bytes.
const maxLine = 64 << 10

// Parse reads a .pypirc.
func Parse(r io.Reader) (*Config, error) {
	c := &Config{sections: map[string]map[string]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxLine)
	var section map[string]string
	var lastKey string
	lastIndent := -1
	for n := 1; sc.Scan(); n++ {
		raw := strings.TrimRight(sc.Text(), "\r")
		trimmed := strings.TrimSpace(raw)
		indent := len(raw) - len(strings.TrimLeft(raw, " \t"))
		switch {
		case trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';':
			lastIndent = -1 // an empty or comment line ends a continuation
			continue
		case indent > 0 && lastKey != "" && lastIndent >= 0 && indent > lastIndent:
			// A continuation line belongs to the value above (RawConfigParser).
			section[lastKey] += "\n" + trimmed
			continue
		case trimmed[0] == '[':
			end := strings.IndexByte(trimmed, ']')
			if end < 0 {
				return nil, &ParseError{Line: n, Reason: "section header without ']'"}
			}
			name := trimmed[1:end]
			if c.sections[name] == nil {
				c.sections[name] = map[string]string{}
			}
			section, lastKey, lastIndent = c.sections[name], "", -1
			continue
		}
		if section == nil {
			return nil, &ParseError{Line: n, Reason: "option before the first [section]"}
		}
		i := strings.IndexAny(trimmed, "=:")
		if i <= 0 {
			return nil, &ParseError{Line: n, Reason: "expected 'key = value'"}
		}
		key := strings.ToLower(strings.TrimSpace(trimmed[:i]))
		section[key] = strings.TrimSpace(trimmed[i+1:])
		lastKey, lastIndent = key, indent
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("pypirc: reading: %w", err)
	}
	return c, nil
}

// Servers lists the repositories `[distutils] index-servers` names; pypi
// and testpypi when it is absent, as twine assumes.
func (c *Config) Servers() []string {
	if d, ok := c.sections["distutils"]; ok {
		if v, ok := d["index-servers"]; ok {
			return strings.Fields(v)
		}
	}
	return []string{"pypi", "testpypi"}
}

// Repository returns the settings of the named repository. pypi and
// testpypi always exist, with their default URLs; credentials missing from
// the section fall back to the legacy [server-login] section. ok is false
// for an unknown name.
func (c *Config) Repository(name string) (Repository, bool) {
	s, found := c.sections[name]
	var r Repository
	switch name {
	case "pypi":
		r.URL = PyPIURL
	case "testpypi":
		r.URL = TestPyPIURL
	default:
		if !found {
			return Repository{}, false
		}
	}
	if v := s["repository"]; v != "" {
		r.URL = v
	}
	r.Username, r.Password = s["username"], s["password"]
	if login, ok := c.sections["server-login"]; ok {
		if r.Username == "" {
			r.Username = login["username"]
		}
		if r.Password == "" {
			r.Password = login["password"]
		}
	}
	return r, true
}
