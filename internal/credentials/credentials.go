// Package credentials decides where an upload goes and what it
// authenticates with, from the command line's flags, the environment, the
// .pypirc file and the URL's userinfo, in twine's documented order. It sits
// between the command line and the upload: cmd/pyupload gathers the
// sources, [Resolve] decides (a pure function: no I/O, no mutation of its
// input), and the result says whether an API token is used or Trusted
// Publishing (internal/trusted) must get one.
package credentials

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/pyupload/pyupload/internal/pypirc"
	"github.com/pyupload/pyupload/internal/transport"
)

// Fields are the settings one source can give. Empty means "not given".
type Fields struct {
	RepositoryURL string
	Repository    string // a section of the config file
	Username      string
	Password      string // a secret
}

// Mode says when Trusted Publishing is used.
type Mode string

// The modes of --trusted-publishing.
const (
	Auto   Mode = "auto"   // when no password is given and a CI identity is found
	Always Mode = "always" // required; a password is an error
	Never  Mode = "never"  // API tokens only
)

// ModeError is a --trusted-publishing value that is not a mode.
type ModeError struct{ Value string }

func (e *ModeError) Error() string {
	return fmt.Sprintf("--trusted-publishing must be auto, always or never, not %q", e.Value)
}

// ParseMode reads a --trusted-publishing value; "" is [Auto].
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Auto, Always, Never:
		return m, nil
	case "":
		return Auto, nil
	}
	return "", &ModeError{Value: s}
}

// Input is everything credentials can come from, each source apart.
type Input struct {
	Flags Fields // the command line
	Env   Fields // PYUPLOAD_* and TWINE_* variables
	// PasswordVar names the variable Env.Password came from, for messages.
	PasswordVar string
	// Config is the parsed config file; nil when there is none or it could
	// not be read (ConfigErr says why; it matters only when the config is
	// needed).
	Config     *pypirc.Config
	ConfigErr  error
	ConfigName string // the config file's path, for messages
	Mode       Mode
}

// Source says where a setting came from.
type Source int

// The sources, in twine's order of precedence. [Resolve] reads the first
// four; the keyring and the prompt are asked later, by the command, for
// what is still missing ([Resolved.WithUsername], [Resolved.WithPassword]).
const (
	Unset   Source = iota
	Flag           // the command line
	Env            // an environment variable
	URL            // the repository URL's userinfo
	Config         // the config file
	Default        // pyupload's default (__token__)
	Keyring        // the system keyring
	Prompt         // asked on the terminal
)

func (s Source) String() string {
	return [...]string{"unset", "command line", "environment", "repository URL", "config file", "default", "keyring", "prompt"}[s]
}

// Method is how the upload authenticates.
type Method int

// The methods.
const (
	// APIToken: the resolved username and password.
	APIToken Method = iota
	// TrustedPublishing: mint an upload token from the CI identity; when
	// none is found that is an error only in mode always (auto then has no
	// credentials at all).
	TrustedPublishing
	// NoCredentials: mode never and no password.
	NoCredentials
)

// Resolved is what to upload to and authenticate with.
type Resolved struct {
	Endpoint   *url.URL // without userinfo
	Repository string   // the config section used; "" when a URL was given
	// Username is "" when no source gave one and none is implied: an
	// index other than PyPI and TestPyPI, and a password that is not a
	// PyPI API token ([Resolved.Missing]).
	Username                   string
	Password                   string // a secret
	UsernameFrom, PasswordFrom Source
	Method                     Method
	Mode                       Mode
	ConfigName                 string
	// CACert and ClientCert are the config section's ca_cert and
	// client_cert; "" when a URL was given, as twine reads them only for a
	// repository name. Flags and variables win over them (cmd/pyupload).
	CACert, ClientCert string
	passwordVar        string
}

// Errors of resolution; internal/ui turns them into exit codes and hints.
var (
	// ErrPasswordWithTrustedPublishing: mode always with a password from the
	// command line, the environment or the URL.
	ErrPasswordWithTrustedPublishing = errors.New("--trusted-publishing always cannot be combined with a password or API token")
	// ErrInsecureURL: a plain http endpoint on a host other than loopback,
	// where the password, the identity token and the upload token would
	// travel in clear text.
	ErrInsecureURL = errors.New("the repository URL must use https (plain http is allowed only for loopback hosts)")
	// ErrNoCredentials: nothing to authenticate with.
	ErrNoCredentials = errors.New("no credentials: no API token was given (--password, TWINE_PASSWORD) and no CI identity for Trusted Publishing was found")
)

// TokenUsername is the username of API tokens.
const TokenUsername = "__token__"

// UsernameError is a password for an index other than PyPI and TestPyPI
// with no username: only their API tokens have a known one.
type UsernameError struct{ Host string }

func (e *UsernameError) Error() string {
	return fmt.Sprintf("no username for %s: pass --username or set TWINE_USERNAME (only PyPI and TestPyPI, and pypi- API tokens, imply %s)", e.Host, TokenUsername)
}

// IsPyPI reports whether the endpoint is PyPI's or TestPyPI's upload
// host, which take API tokens only, so the username is always __token__.
func IsPyPI(u *url.URL) bool {
	h := u.Hostname()
	return u.Scheme == "https" && (h == "upload.pypi.org" || h == "test.pypi.org")
}

// RepositoryError is a repository name the config file does not define
// (twine: "Missing section"), or defines without an upload URL.
type RepositoryError struct {
	Name       string
	ConfigName string
	Known      []string // the repositories [distutils] index-servers lists
	// Unlisted: the file has a section of that name, but index-servers
	// does not list it, so twine (and pyupload) ignore the section.
	Unlisted bool
	// NoURL: the section has no `repository` key (only pypi and testpypi
	// have a default).
	NoURL bool
}

func (e *RepositoryError) Error() string {
	switch {
	case e.NoURL:
		return fmt.Sprintf("repository %q in %s has no upload URL: add `repository = https://host/legacy/` to its section, or use --repository-url", e.Name, e.ConfigName)
	case e.Unlisted:
		return fmt.Sprintf("repository %q: %s has a [%s] section, but [distutils] index-servers (%s) does not list it, so it is ignored, as twine does: add it to index-servers", e.Name, e.ConfigName, e.Name, strings.Join(e.Known, ", "))
	}
	return fmt.Sprintf("unknown repository %q: use pypi, testpypi, a section of %s (%s), or --repository-url", e.Name, e.ConfigName, strings.Join(e.Known, ", "))
}

// URLError is a repository URL that is not an http(s) URL with a host.
type URLError struct{ URL string } // redacted

func (e *URLError) Error() string {
	return fmt.Sprintf("invalid repository URL %q: want https://host/legacy/", e.URL)
}

// Resolve decides, in twine's order, where to upload and with what:
//
//   - The endpoint: a repository URL (command line, then environment) wins
//     over a repository name, which names a repository of the config file
//     as twine's get_config reads it (pypi and testpypi are built in; the
//     default is pypi). The config file (and an error reading it) matters
//     only for a name, and so do its ca_cert and client_cert.
//   - Each of username and password on its own: the command line, then
//     the environment, then the URL's userinfo, then the config file's
//     section (with [server-login] as its fallback). An empty `password =`
//     in the section is an empty password, as in twine, not a missing one.
//     The username defaults to __token__ for PyPI and TestPyPI (as twine 6
//     does) and for a password that is a PyPI API token (pypi-...); for
//     any other index it stays empty, and the command asks the keyring and
//     the prompt, or reports a [*UsernameError].
//   - The endpoint must use https, except on loopback hosts: everything
//     sent there is a secret. PyPI's and TestPyPI's hosts get https, as
//     twine gives them.
//   - Trusted Publishing: mode always ignores a password from the config
//     file and refuses any other; mode auto uses it when no password is
//     found; mode never needs a password.
func Resolve(in Input) (*Resolved, error) {
	r := &Resolved{Mode: in.Mode, ConfigName: in.ConfigName, passwordVar: in.PasswordVar}
	if r.Mode == "" {
		r.Mode = Auto
	}
	raw, from := pick(in.Flags.RepositoryURL, in.Env.RepositoryURL)
	var section pypirc.Repository
	if from == Unset {
		name, _ := pick(in.Flags.Repository, in.Env.Repository)
		if name == "" {
			name = "pypi"
		}
		if in.ConfigErr != nil {
			return nil, in.ConfigErr
		}
		cfg := in.Config
		if cfg == nil {
			cfg = &pypirc.Config{}
		}
		var ok bool
		if section, ok = cfg.Repository(name); !ok {
			return nil, &RepositoryError{Name: name, ConfigName: in.ConfigName, Known: cfg.Servers(), Unlisted: slices.Contains(cfg.Sections(), name)}
		}
		if !section.Has(pypirc.KeyRepository) {
			return nil, &RepositoryError{Name: name, ConfigName: in.ConfigName, Known: cfg.Servers(), NoURL: true}
		}
		raw, r.Repository = section.URL, name
		r.CACert, r.ClientCert = section.CACert, section.ClientCert
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, &URLError{URL: transport.Redact(raw)}
	}
	if u.User == nil && pypiHosts[u.Host] {
		u.Scheme = "https" // as twine's normalize_repository_url
	}
	if !transport.Secure(u) {
		return nil, fmt.Errorf("%w: %s", ErrInsecureURL, transport.Redact(raw))
	}
	var userinfo Fields
	if u.User != nil {
		userinfo.Username = u.User.Username()
		userinfo.Password, _ = u.User.Password()
		u.User = nil
	}
	u.Fragment, u.RawFragment = "", "" // never sent; only ever pasted by mistake
	r.Endpoint = u
	r.Username, r.UsernameFrom = pick(in.Flags.Username, in.Env.Username, userinfo.Username, section.Username)
	r.Password, r.PasswordFrom = pick(in.Flags.Password, in.Env.Password, userinfo.Password, section.Password)
	if r.PasswordFrom == Unset && section.Has(pypirc.KeyPassword) {
		r.PasswordFrom = Config // an empty `password =` is an empty password, as in twine
	}
	r.defaultUsername()
	switch {
	case r.Mode == Always && r.PasswordFrom == Config:
		// The config file's token is the old way; the CI identity is asked for.
		r.Password, r.PasswordFrom = "", Unset
		r.Method = TrustedPublishing
	case r.Mode == Always && r.Password != "":
		return nil, ErrPasswordWithTrustedPublishing
	case r.PasswordFrom != Unset:
		r.Method = APIToken
	case r.Mode == Never:
		r.Method = NoCredentials
	default:
		r.Method = TrustedPublishing
	}
	return r, nil
}

// pypiHosts are the hosts twine always reaches over https, whatever the
// URL's scheme says.
var pypiHosts = map[string]bool{"pypi.python.org": true, "testpypi.python.org": true, "upload.pypi.org": true, "test.pypi.org": true}

// defaultUsername implies __token__ where only API tokens are accepted or
// the password is one.
func (r *Resolved) defaultUsername() {
	if r.Username == "" && (IsPyPI(r.Endpoint) || strings.HasPrefix(r.Password, "pypi-")) {
		r.Username, r.UsernameFrom = TokenUsername, Default
	}
}

// WithUsername is r with the username a later source gave (the keyring,
// the prompt).
func (r *Resolved) WithUsername(username string, from Source) *Resolved {
	c := *r
	c.Username, c.UsernameFrom = username, from
	return &c
}

// WithPassword is r with the password a later source gave (the keyring,
// the prompt): the upload then authenticates with it.
func (r *Resolved) WithPassword(password string, from Source) *Resolved {
	c := *r
	c.Password, c.PasswordFrom, c.Method = password, from, APIToken
	c.defaultUsername()
	return &c
}

// HasPassword reports whether a source gave a password; an empty
// `password =` in the config file is one, as in twine.
func (r *Resolved) HasPassword() bool { return r.PasswordFrom != Unset }

// Missing is what an upload with a password still lacks: nil, a
// [*UsernameError], or a [*NoCredentialsError] for no password.
func (r *Resolved) Missing() error {
	switch {
	case !r.HasPassword():
		return r.noCredentials()
	case r.Username == "":
		return &UsernameError{Host: r.Endpoint.Host}
	}
	return nil
}

// NoCredentialsError is [ErrNoCredentials] for one index, so the hint can
// say where its tokens come from.
type NoCredentialsError struct{ Host string }

func (e *NoCredentialsError) Error() string { return ErrNoCredentials.Error() }

// Unwrap makes errors.Is(err, ErrNoCredentials) true.
func (e *NoCredentialsError) Unwrap() error { return ErrNoCredentials }

// KeyringService is the name twine stores this index's password under in
// the system keyring: the repository URL (keyring.get_password(url,
// username)).
func (r *Resolved) KeyringService() string { return r.Endpoint.String() }

// pick returns the first non-empty value, with its source: the values are
// given in the order flag, environment, URL, config.
func pick(values ...string) (string, Source) {
	for i, v := range values {
		if v != "" {
			return v, Source(i + 1)
		}
	}
	return "", Unset
}

// WithoutIdentity is the error when Trusted Publishing finds no CI
// identity: in mode auto there are then no credentials at all
// ([ErrNoCredentials]); in mode always it is nil, and the missing identity
// itself is the error to report.
func (r *Resolved) WithoutIdentity() error {
	if r.Mode == Always {
		return nil
	}
	return r.noCredentials()
}

func (r *Resolved) noCredentials() error {
	if r.Endpoint == nil {
		return ErrNoCredentials
	}
	return &NoCredentialsError{Host: r.Endpoint.Host}
}

// PasswordOrigin names where the password came from, for messages.
func (r *Resolved) PasswordOrigin() string {
	switch r.PasswordFrom {
	case Flag:
		return "--password"
	case Env:
		if r.passwordVar != "" {
			return r.passwordVar
		}
		return "PYUPLOAD_PASSWORD / TWINE_PASSWORD"
	case URL:
		return "the repository URL"
	case Config:
		return r.ConfigName
	case Keyring:
		return "the system keyring"
	case Prompt:
		return "the prompt"
	}
	return "nowhere"
}

// String describes the resolution without the password.
func (r *Resolved) String() string {
	pw := "none"
	if r.PasswordFrom != Unset {
		pw = "<redacted> from " + r.PasswordFrom.String()
	}
	user := r.Username
	if user == "" {
		user = "(no username)"
	}
	return fmt.Sprintf("%s as %s (from %s), password %s, method %d", r.Endpoint.Redacted(), user, r.UsernameFrom, pw, r.Method)
}

// String describes the fields without the password.
func (f Fields) String() string {
	pw := ""
	if f.Password != "" {
		pw = "<redacted>"
	}
	return fmt.Sprintf("{RepositoryURL:%s Repository:%s Username:%s Password:%s}", transport.Redact(f.RepositoryURL), f.Repository, f.Username, pw)
}
