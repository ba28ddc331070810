package credentials

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/internal/pypirc"
)

func config(t *testing.T, text string) *pypirc.Config {
	t.Helper()
	c, err := pypirc.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestResolve covers each source and each conflict twine documents: the
// command line over the environment over the config file, each setting
// on its own, a URL over a repository name, the URL's userinfo as the
// config of a URL, and the Trusted Publishing modes.
func TestResolve(t *testing.T) {
	t.Parallel()
	const rc = `[distutils]
index-servers =
    pypi
    private

[pypi]
username = __token__
password = pypi-from-config

[private]
repository = https://private.example/legacy/
username = alice
password = alice-secret
`
	cfg := config(t, rc)
	legacyLogin := config(t, "[server-login]\nusername = bob\npassword = bob-secret\n")
	brokenErr := errors.New("~/.pypirc: line 3: not an option")
	type want struct {
		endpoint, repository, username, password string
		usernameFrom, passwordFrom               Source
		method                                   Method
	}
	tests := []struct {
		name    string
		in      Input
		want    want
		wantErr string
	}{
		{"nothing: pypi with Trusted Publishing",
			Input{},
			want{"https://upload.pypi.org/legacy/", "pypi", "__token__", "", Default, Unset, TrustedPublishing}, ""},
		{"flag URL over environment URL",
			Input{Flags: Fields{RepositoryURL: "https://flag.example/legacy/"}, Env: Fields{RepositoryURL: "https://env.example/legacy/"}},
			want{"https://flag.example/legacy/", "", "", "", Unset, Unset, TrustedPublishing}, ""},
		{"environment URL over flag repository name",
			Input{Flags: Fields{Repository: "private"}, Env: Fields{RepositoryURL: "https://env.example/legacy/"}, Config: cfg},
			want{"https://env.example/legacy/", "", "", "", Unset, Unset, TrustedPublishing}, ""},
		{"flag repository name over environment name",
			Input{Flags: Fields{Repository: "private"}, Env: Fields{Repository: "testpypi"}, Config: cfg},
			want{"https://private.example/legacy/", "private", "alice", "alice-secret", Config, Config, APIToken}, ""},
		{"environment repository name",
			Input{Env: Fields{Repository: "testpypi"}},
			want{"https://test.pypi.org/legacy/", "testpypi", "__token__", "", Default, Unset, TrustedPublishing}, ""},
		{"pypi section's credentials",
			Input{Config: cfg},
			want{"https://upload.pypi.org/legacy/", "pypi", "__token__", "pypi-from-config", Config, Config, APIToken}, ""},
		{"server-login as the fallback of a built-in section",
			Input{Config: legacyLogin},
			want{"https://upload.pypi.org/legacy/", "pypi", "bob", "bob-secret", Config, Config, APIToken}, ""},
		{"a URL ignores the config file's credentials",
			Input{Flags: Fields{RepositoryURL: "https://private.example/legacy/"}, Config: cfg},
			want{"https://private.example/legacy/", "", "", "", Unset, Unset, TrustedPublishing}, ""},
		{"flag credentials over environment",
			Input{Flags: Fields{Username: "f", Password: "flag-secret"}, Env: Fields{Username: "e", Password: "env-secret"}, Config: cfg},
			want{"https://upload.pypi.org/legacy/", "pypi", "f", "flag-secret", Flag, Flag, APIToken}, ""},
		{"environment credentials over the config file",
			Input{Flags: Fields{Repository: "private"}, Env: Fields{Username: "e", Password: "env-secret"}, Config: cfg},
			want{"https://private.example/legacy/", "private", "e", "env-secret", Env, Env, APIToken}, ""},
		{"each setting on its own: flag username, config password",
			Input{Flags: Fields{Repository: "private", Username: "carol"}, Config: cfg},
			want{"https://private.example/legacy/", "private", "carol", "alice-secret", Flag, Config, APIToken}, ""},
		{"URL userinfo as the URL's config",
			Input{Flags: Fields{RepositoryURL: "https://dave:dave-secret@private.example/legacy/"}},
			want{"https://private.example/legacy/", "", "dave", "dave-secret", URL, URL, APIToken}, ""},
		{"flag and environment over URL userinfo",
			Input{Flags: Fields{RepositoryURL: "https://dave:dave-secret@private.example/legacy/", Username: "f"}, Env: Fields{Password: "env-secret"}},
			want{"https://private.example/legacy/", "", "f", "env-secret", Flag, Env, APIToken}, ""},
		{"URL userinfo without a password",
			Input{Env: Fields{RepositoryURL: "https://erin@private.example/legacy/"}},
			want{"https://private.example/legacy/", "", "erin", "", URL, Unset, TrustedPublishing}, ""},
		{"userinfo in a config section's URL over its keys",
			Input{Flags: Fields{Repository: "x"}, Config: config(t, "[distutils]\nindex-servers = x\n[x]\nrepository = https://u:p@x.example/legacy/\nusername = v\npassword = q\n")},
			want{"https://x.example/legacy/", "x", "u", "p", URL, URL, APIToken}, ""},
		{"a broken config file does not matter with a URL",
			Input{Flags: Fields{RepositoryURL: "https://private.example/legacy/", Password: "pypi-s"}, ConfigErr: brokenErr},
			want{"https://private.example/legacy/", "", "__token__", "pypi-s", Default, Flag, APIToken}, ""},
		{"a broken config file matters for a name",
			Input{ConfigErr: brokenErr}, want{}, "~/.pypirc: line 3: not an option"},
		{"unknown repository name",
			Input{Flags: Fields{Repository: "nosuch"}, Config: cfg, ConfigName: "/home/u/.pypirc"}, want{}, `unknown repository "nosuch": use pypi, testpypi, a section of /home/u/.pypirc (pypi, private), or --repository-url`},
		{"not a URL",
			Input{Flags: Fields{RepositoryURL: "upload.example/legacy/"}}, want{}, `invalid repository URL "upload.example/legacy/": want https://host/legacy/`},
		{"not http",
			Input{Flags: Fields{RepositoryURL: "ftp://upload.example/legacy/"}}, want{}, "invalid repository URL"},
		{"plain http to another host",
			Input{Flags: Fields{RepositoryURL: "http://u:secret@upload.example/legacy/"}}, want{}, "must use https (plain http is allowed only for loopback hosts): http://redacted@upload.example/legacy/"},
		{"plain http to PyPI becomes https, as in twine",
			Input{Flags: Fields{Repository: "x"}, Config: config(t, "[distutils]\nindex-servers = x\n[x]\nrepository = http://test.pypi.org/legacy/\n")},
			want{"https://test.pypi.org/legacy/", "x", "__token__", "", Default, Unset, TrustedPublishing}, ""},
		{"plain http to loopback",
			Input{Flags: Fields{RepositoryURL: "http://127.0.0.1:8080/legacy/"}},
			want{"http://127.0.0.1:8080/legacy/", "", "", "", Unset, Unset, TrustedPublishing}, ""},
		{"an invalid URL in a config section",
			Input{Flags: Fields{Repository: "x"}, Config: config(t, "[distutils]\nindex-servers = x\n[x]\nrepository = upload.example/legacy/\n")}, want{}, "invalid repository URL"},
		{"a section name without a config file",
			Input{Flags: Fields{Repository: "private"}}, want{}, `unknown repository "private"`},
		{"a broken config file does not matter with an environment URL",
			Input{Env: Fields{RepositoryURL: "https://private.example/legacy/"}, ConfigErr: brokenErr},
			want{"https://private.example/legacy/", "", "", "", Unset, Unset, TrustedPublishing}, ""},
		{"never: the config file's token is used",
			Input{Config: cfg, Mode: Never},
			want{"https://upload.pypi.org/legacy/", "pypi", "__token__", "pypi-from-config", Config, Config, APIToken}, ""},
		{"always: the config file's token is ignored",
			Input{Config: cfg, Mode: Always},
			want{"https://upload.pypi.org/legacy/", "pypi", "__token__", "", Config, Unset, TrustedPublishing}, ""},
		{"always: a flag password is refused",
			Input{Flags: Fields{Password: "s"}, Mode: Always}, want{}, ErrPasswordWithTrustedPublishing.Error()},
		{"always: an environment password is refused",
			Input{Env: Fields{Password: "s"}, Mode: Always}, want{}, ErrPasswordWithTrustedPublishing.Error()},
		{"always: a URL password is refused",
			Input{Flags: Fields{RepositoryURL: "https://u:p@x.example/legacy/"}, Mode: Always}, want{}, ErrPasswordWithTrustedPublishing.Error()},
		{"auto: a password is used",
			Input{Env: Fields{Password: "s"}, Mode: Auto},
			want{"https://upload.pypi.org/legacy/", "pypi", "__token__", "s", Default, Env, APIToken}, ""},
		{"never: a password is used",
			Input{Env: Fields{Password: "s"}, Mode: Never},
			want{"https://upload.pypi.org/legacy/", "pypi", "__token__", "s", Default, Env, APIToken}, ""},
		{"never: no password, no credentials",
			Input{Mode: Never},
			want{"https://upload.pypi.org/legacy/", "pypi", "__token__", "", Default, Unset, NoCredentials}, ""},
		{"an empty password in the section is a password, over [server-login]'s",
			Input{Config: config(t, "[server-login]\npassword = legacy\n[pypi]\npassword =\n")},
			want{"https://upload.pypi.org/legacy/", "pypi", "__token__", "", Default, Config, APIToken}, ""},
		{"always: an empty password in the section is ignored too",
			Input{Config: config(t, "[pypi]\npassword =\n"), Mode: Always},
			want{"https://upload.pypi.org/legacy/", "pypi", "__token__", "", Default, Unset, TrustedPublishing}, ""},
		{"an empty password in the section loses to the environment",
			Input{Env: Fields{Password: "s"}, Config: config(t, "[pypi]\npassword =\n")},
			want{"https://upload.pypi.org/legacy/", "pypi", "__token__", "s", Default, Env, APIToken}, ""},
		{"[DEFAULT] gives every listed section its options",
			Input{Flags: Fields{Repository: "x"}, Config: config(t, "[DEFAULT]\npassword = shared\n[distutils]\nindex-servers = x\n[x]\nrepository = https://x.example/legacy/\n")},
			want{"https://x.example/legacy/", "x", "", "shared", Unset, Config, APIToken}, ""},
		{"a section index-servers does not list is missing, as in twine",
			Input{Flags: Fields{Repository: "x"}, Config: config(t, "[distutils]\nindex-servers = pypi\n[x]\nrepository = https://x.example/legacy/\n"), ConfigName: "/h/.pypirc"},
			want{}, `repository "x": /h/.pypirc has a [x] section, but [distutils] index-servers (pypi) does not list it`},
		{"testpypi is built in only when listed",
			Input{Flags: Fields{Repository: "testpypi"}, Config: cfg}, want{}, `unknown repository "testpypi"`},
		{"a listed section without a URL",
			Input{Flags: Fields{Repository: "x"}, Config: config(t, "[distutils]\nindex-servers = x\n[x]\nusername = u\n"), ConfigName: "/h/.pypirc"},
			want{}, `repository "x" in /h/.pypirc has no upload URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := Resolve(tt.in)
			if again, err2 := Resolve(tt.in); (err == nil) != (err2 == nil) || err == nil && (again.Endpoint.String() != r.Endpoint.String() || again.String() != r.String() || again.Password != r.Password) {
				t.Errorf("Resolve() is not pure: a second call gave %+v, %v", again, err2)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Resolve() error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve() error = %v", err)
			}
			got := want{r.Endpoint.String(), r.Repository, r.Username, r.Password, r.UsernameFrom, r.PasswordFrom, r.Method}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("Resolve() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestResolveTLSFiles: ca_cert and client_cert come from the section of a
// repository name, never with a URL (twine reads no config then).
func TestResolveTLSFiles(t *testing.T) {
	t.Parallel()
	cfg := config(t, "[distutils]\nindex-servers = x\n[x]\nrepository = https://x.example/legacy/\nca_cert = ca.pem\nclient_cert = client.pem\n")
	r, err := Resolve(Input{Flags: Fields{Repository: "x"}, Config: cfg})
	if err != nil || r.CACert != "ca.pem" || r.ClientCert != "client.pem" {
		t.Errorf("Resolve(-r x) = %+v, %v, want the section's ca_cert and client_cert", r, err)
	}
	r, err = Resolve(Input{Flags: Fields{RepositoryURL: "https://x.example/legacy/"}, Env: Fields{Repository: "x"}, Config: cfg})
	if err != nil || r.CACert != "" || r.ClientCert != "" {
		t.Errorf("Resolve(--repository-url) = %+v, %v, want no TLS files from the config", r, err)
	}
}

// TestUsernameRules: __token__ is implied only where nothing else can
// work (PyPI and TestPyPI take API tokens only) or the password is a PyPI
// API token; elsewhere a missing username is the caller's to fill or
// report.
func TestUsernameRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		in           Input
		username     string
		from         Source
		missing      error
		missingUsage bool // a *UsernameError
	}{
		{"PyPI", Input{Env: Fields{Password: "secret"}}, "__token__", Default, nil, false},
		{"TestPyPI", Input{Flags: Fields{Repository: "testpypi", Password: "secret"}}, "__token__", Default, nil, false},
		{"TestPyPI by URL", Input{Flags: Fields{RepositoryURL: "https://test.pypi.org/legacy/", Password: "secret"}}, "__token__", Default, nil, false},
		{"a PyPI API token elsewhere", Input{Flags: Fields{RepositoryURL: "https://pypi.example/legacy/", Password: "pypi-AgEIcHlwaS5vcmc"}}, "__token__", Default, nil, false},
		{"another index", Input{Flags: Fields{RepositoryURL: "https://pypi.example/legacy/", Password: "secret"}}, "", Unset, nil, true},
		{"another index, a username given", Input{Flags: Fields{RepositoryURL: "https://pypi.example/legacy/", Password: "secret"}, Env: Fields{Username: "alice"}}, "alice", Env, nil, false},
		{"PyPI's host over plain http is not PyPI", Input{Flags: Fields{RepositoryURL: "http://127.0.0.1/legacy/", Password: "secret"}}, "", Unset, nil, true},
		{"another index, no password", Input{Flags: Fields{RepositoryURL: "https://pypi.example/legacy/"}}, "", Unset, ErrNoCredentials, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := Resolve(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if r.Username != tt.username || r.UsernameFrom != tt.from {
				t.Errorf("Resolve() username = %q from %v, want %q from %v", r.Username, r.UsernameFrom, tt.username, tt.from)
			}
			missing := r.Missing()
			if ue, ok := errors.AsType[*UsernameError](missing); tt.missingUsage != ok || ok && ue.Host != r.Endpoint.Host {
				t.Errorf("Missing() = %v, want a *UsernameError: %v", missing, tt.missingUsage)
			} else if !tt.missingUsage && !errors.Is(missing, tt.missing) {
				t.Errorf("Missing() = %v, want %v", missing, tt.missing)
			}
		})
	}
}

// TestWithLaterSources: the keyring and the prompt fill what Resolve left
// missing, the method follows, and Resolve's result is not changed.
func TestWithLaterSources(t *testing.T) {
	t.Parallel()
	r, err := Resolve(Input{Flags: Fields{RepositoryURL: "https://pypi.example/legacy/"}})
	if err != nil {
		t.Fatal(err)
	}
	filled := r.WithUsername("alice", Prompt).WithPassword("secret", Keyring)
	if filled.Username != "alice" || filled.UsernameFrom != Prompt || filled.Password != "secret" || filled.PasswordFrom != Keyring || filled.Method != APIToken || filled.Missing() != nil {
		t.Errorf("filled = %s, want alice from the prompt, a password from the keyring, an API token upload", filled)
	}
	if filled.PasswordOrigin() != "the system keyring" || filled.UsernameFrom.String() != "prompt" {
		t.Errorf("origins = %q, %q, want the keyring and the prompt named", filled.PasswordOrigin(), filled.UsernameFrom)
	}
	if r.Username != "" || r.Password != "" || r.Method != TrustedPublishing {
		t.Errorf("Resolve's result changed: %s", r)
	}
	if tok := r.WithPassword("pypi-AgEI", Prompt); tok.Username != "__token__" || tok.UsernameFrom != Default {
		t.Errorf("a prompted API token: username %q from %v, want __token__ implied", tok.Username, tok.UsernameFrom)
	}
	if r.KeyringService() != "https://pypi.example/legacy/" {
		t.Errorf("KeyringService() = %q, want the repository URL, as twine stores it", r.KeyringService())
	}
}

func TestParseMode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Mode{"": Auto, "auto": Auto, "always": Always, "never": Never} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	if _, err := ParseMode("sometimes"); err == nil || err.Error() != `--trusted-publishing must be auto, always or never, not "sometimes"` {
		t.Errorf(`ParseMode("sometimes") error = %v`, err)
	}
}

func TestPasswordOrigin(t *testing.T) {
	t.Parallel()
	r, err := Resolve(Input{Env: Fields{Password: "s"}, PasswordVar: "TWINE_PASSWORD"})
	if err != nil || r.PasswordOrigin() != "TWINE_PASSWORD" {
		t.Errorf("PasswordOrigin() = %q, %v, want TWINE_PASSWORD", r.PasswordOrigin(), err)
	}
}

func TestPasswordOriginFallbacks(t *testing.T) {
	t.Parallel()
	for from, want := range map[Source]string{Flag: "--password", Env: "PYUPLOAD_PASSWORD / TWINE_PASSWORD", URL: "the repository URL", Config: "/h/.pypirc"} {
		r := &Resolved{PasswordFrom: from, ConfigName: "/h/.pypirc"}
		if got := r.PasswordOrigin(); got != want {
			t.Errorf("PasswordOrigin() from %v = %q, want %q", from, got, want)
		}
	}
}

// TestStringsHideThePassword: printing a resolution or its inputs (in a
// test failure, a log) never shows the password.
func TestStringsHideThePassword(t *testing.T) {
	t.Parallel()
	in := Input{Flags: Fields{Password: "s3cret", RepositoryURL: "https://u:s3cret@x.example/legacy/"}}
	r, err := Resolve(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{r.String(), fmt.Sprintf("%v %+v", r, in.Flags), in.Flags.String()} {
		if strings.Contains(s, "s3cret") {
			t.Errorf("%q shows the password", s)
		}
	}
}

func TestWithoutIdentity(t *testing.T) {
	t.Parallel()
	if err := (&Resolved{Mode: Auto}).WithoutIdentity(); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("auto: WithoutIdentity() = %v, want ErrNoCredentials", err)
	}
	if err := (&Resolved{Mode: Always}).WithoutIdentity(); err != nil {
		t.Errorf("always: WithoutIdentity() = %v, want nil (the missing identity is the error)", err)
	}
}
