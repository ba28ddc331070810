package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/credentials"
	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/internal/keyring"
	"github.com/pyupload/pyupload/internal/ui"
)

// privateToken is a password that is not a PyPI API token, so no
// username is implied for it.
const privateToken = "s3cret-private"

// fakeTerminal answers prompts from a script and records them.
type fakeTerminal struct {
	answers map[string]string // by prompt; a missing prompt reads end of input
	block   bool              // never answer: wait for the context
	mu      sync.Mutex
	asked   []string // "line: prompt" or "password: prompt"
}

func (f *fakeTerminal) read(ctx context.Context, kind, prompt string) (string, error) {
	f.mu.Lock()
	f.asked = append(f.asked, kind+": "+prompt)
	f.mu.Unlock()
	if f.block {
		<-ctx.Done()
		return "", ctx.Err()
	}
	a, ok := f.answers[prompt]
	if !ok {
		return "", errors.New("EOF")
	}
	return a, nil
}

func (f *fakeTerminal) ReadLine(ctx context.Context, prompt string) (string, error) {
	return f.read(ctx, "line", prompt)
}

func (f *fakeTerminal) ReadPassword(ctx context.Context, prompt string) (string, error) {
	return f.read(ctx, "password", prompt)
}

func (f *fakeTerminal) prompts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.asked...)
}

// fakeKeyring holds credentials by service and username ("" for the
// first of a service), or fails with err.
type fakeKeyring struct {
	creds map[[2]string]keyring.Credential
	err   error
	mu    sync.Mutex
	asked [][2]string
}

func (f *fakeKeyring) Find(_ context.Context, service, username string) (keyring.Credential, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, [2]string{service, username})
	if f.err != nil {
		return keyring.Credential{}, f.err
	}
	if c, ok := f.creds[[2]string{service, username}]; ok {
		return c, nil
	}
	return keyring.Credential{}, keyring.ErrNotFound
}

func (f *fakeKeyring) lookups() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.asked)
}

// TestAskForCredentials: what Resolve leaves missing for an index other
// than PyPI comes from the keyring, then the prompt, in twine's order,
// and only where asking is allowed; otherwise a usage error names what is
// missing.
func TestAskForCredentials(t *testing.T) {
	t.Parallel()
	type setup struct {
		env      map[string]string
		args     []string
		terminal *fakeTerminal
		keyring  *fakeKeyring
	}
	stored := func(username string) *fakeKeyring { // filled with the index's URL below
		return &fakeKeyring{creds: map[[2]string]keyring.Credential{{"", username}: {Username: "__token__", Password: privateToken}}}
	}
	answers := func(a map[string]string) *fakeTerminal { return &fakeTerminal{answers: a} }
	tests := []struct {
		name        string
		setup       setup
		wantCode    int
		wantStderr  []string
		wantPrompts []string
		keyringUsed bool
	}{
		{"a password without a username, nothing to ask", setup{env: map[string]string{"TWINE_PASSWORD": privateToken}},
			ui.ExitUsage, []string{"no username for 127.0.0.1:", "pass --username or set TWINE_USERNAME"}, nil, false},
		{"nothing at all, nothing to ask", setup{},
			ui.ExitUsage, []string{"no credentials"}, nil, false},
		{"the username from the prompt", setup{env: map[string]string{"TWINE_PASSWORD": privateToken}, terminal: answers(map[string]string{"Enter your username: ": "__token__"})},
			ui.ExitOK, nil, []string{"line: Enter your username: "}, false},
		{"both from the prompt, the password unechoed", setup{terminal: answers(map[string]string{"Enter your username: ": "__token__", "Enter your password: ": privateToken})},
			ui.ExitOK, nil, []string{"line: Enter your username: ", "password: Enter your password: "}, false},
		{"the password from the keyring before the prompt", setup{env: map[string]string{"TWINE_USERNAME": "__token__"}, terminal: answers(nil), keyring: stored("__token__")},
			ui.ExitOK, nil, nil, true},
		{"username and password from the keyring", setup{keyring: stored("")},
			ui.ExitOK, nil, nil, true},
		{"keyring without a terminal, as twine", setup{env: map[string]string{"TWINE_USERNAME": "__token__", "TWINE_NON_INTERACTIVE": "1"}, keyring: stored("__token__")},
			ui.ExitOK, nil, nil, true},
		{"--non-interactive: no prompt", setup{args: []string{"--non-interactive"}, env: map[string]string{"TWINE_PASSWORD": privateToken}, terminal: answers(map[string]string{"Enter your username: ": "__token__"})},
			ui.ExitUsage, []string{"no username for"}, nil, false},
		{"TWINE_NON_INTERACTIVE: no prompt", setup{env: map[string]string{"TWINE_PASSWORD": privateToken, "TWINE_NON_INTERACTIVE": "yes"}, terminal: answers(map[string]string{"Enter your username: ": "__token__"})},
			ui.ExitUsage, []string{"no username for"}, nil, false},
		{"TWINE_NON_INTERACTIVE=false prompts", setup{env: map[string]string{"TWINE_PASSWORD": privateToken, "TWINE_NON_INTERACTIVE": "false"}, terminal: answers(map[string]string{"Enter your username: ": "__token__"})},
			ui.ExitOK, nil, []string{"line: Enter your username: "}, false},
		{"CI: neither prompt nor keyring", setup{env: map[string]string{"TWINE_USERNAME": "__token__", "CI": "true"}, terminal: answers(map[string]string{"Enter your password: ": privateToken}), keyring: stored("__token__")},
			ui.ExitUsage, []string{"no credentials"}, nil, false},
		{"the keyring turned off as for twine", setup{env: map[string]string{"TWINE_USERNAME": "__token__", "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}, keyring: stored("__token__")},
			ui.ExitUsage, []string{"no credentials"}, nil, false},
		{"a locked keyring is noted", setup{env: map[string]string{"TWINE_USERNAME": "__token__"}, keyring: &fakeKeyring{err: keyring.ErrLocked}},
			ui.ExitUsage, []string{"note: the system keyring holds a password for http://127.0.0.1:", "but is locked", "no credentials"}, nil, true},
		{"a keyring that does not answer is noted", setup{env: map[string]string{"TWINE_USERNAME": "__token__"}, keyring: &fakeKeyring{err: context.DeadlineExceeded}},
			ui.ExitUsage, []string{"note: the system keyring did not answer within 5s"}, nil, true},
		{"no keyring is silent", setup{env: map[string]string{"TWINE_USERNAME": "__token__"}, keyring: &fakeKeyring{err: keyring.ErrUnavailable}},
			ui.ExitUsage, []string{"pyupload: error: no credentials"}, nil, true},
		{"an empty answer is no answer", setup{env: map[string]string{"TWINE_USERNAME": "__token__"}, terminal: answers(map[string]string{"Enter your password: ": "  "})},
			ui.ExitUsage, []string{"no credentials"}, []string{"password: Enter your password: "}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix, u := startIndex(t, fakeindex.WithTokens(privateToken))
			var opts []option
			if tt.setup.terminal != nil {
				opts = append(opts, withTerminal(tt.setup.terminal))
			}
			if k := tt.setup.keyring; k != nil {
				for key, c := range k.creds { // stored under the index's URL, as twine stores it
					delete(k.creds, key)
					k.creds[[2]string{u + "/legacy/", key[1]}] = c
				}
				opts = append(opts, withKeyring(func(envvars.Lookup) keyringStore { return k }))
			}
			var out, errOut bytes.Buffer
			args := uploadArgs(u, append(tt.setup.args, good+"pyupload_mv22-2.2-py3-none-any.whl")...)
			code := run(t.Context(), args, testEnv(t, tt.setup.env), &out, &errOut, opts...)
			stderr := errOut.String()
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tt.wantCode, stderr)
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if tt.wantCode == ui.ExitOK && len(ix.Files()) != 1 {
				t.Errorf("the index stored %d files, want 1", len(ix.Files()))
			}
			var prompts []string
			if tt.setup.terminal != nil {
				prompts = tt.setup.terminal.prompts()
			}
			if strings.Join(prompts, "|") != strings.Join(tt.wantPrompts, "|") {
				t.Errorf("prompts = %q, want %q", prompts, tt.wantPrompts)
			}
			if k := tt.setup.keyring; k != nil && (k.lookups() > 0) != tt.keyringUsed {
				t.Errorf("keyring asked %d times, want asked: %v", k.lookups(), tt.keyringUsed)
			}
			if strings.Contains(out.String()+stderr, privateToken) {
				t.Error("the password appears in the output")
			}
		})
	}
}

// TestAskWords: the prompts are twine 6's: an API token for PyPI and
// TestPyPI, a password elsewhere.
func TestAskWords(t *testing.T) {
	t.Parallel()
	for endpoint, want := range map[string]string{
		"https://upload.pypi.org/legacy/":  "password: Enter your API token: ",
		"https://test.pypi.org/legacy/":    "password: Enter your API token: ",
		"https://pypi.example.org/legacy/": "password: Enter your password: ",
	} {
		r, err := credentials.Resolve(credentials.Input{Flags: credentials.Fields{RepositoryURL: endpoint, Username: "__token__"}})
		if err != nil {
			t.Fatal(err)
		}
		term := &fakeTerminal{answers: map[string]string{"Enter your API token: ": "pypi-x", "Enter your password: ": "x"}}
		var errOut bytes.Buffer
		got, err := asker{terminal: term, pr: ui.New(&bytes.Buffer{}, &errOut, testEnv(t, nil))}.complete(t.Context(), r)
		if err != nil || got.PasswordFrom != credentials.Prompt || len(term.prompts()) != 1 || term.prompts()[0] != want {
			t.Errorf("%s: prompts %q, %v, %v; want %q", endpoint, term.prompts(), got, err, want)
		}
	}
}

// TestAskInterrupted: Ctrl-C at a prompt ends the run as interrupted.
func TestAskInterrupted(t *testing.T) {
	t.Parallel()
	_, u := startIndex(t)
	ctx, cancel := context.WithCancel(t.Context())
	term := &fakeTerminal{block: true}
	done := make(chan int)
	var errOut bytes.Buffer
	go func() {
		done <- run(ctx, uploadArgs(u, good+"pyupload_mv22-2.2-py3-none-any.whl"), testEnv(t, nil), &bytes.Buffer{}, &errOut, withTerminal(term))
	}()
	for len(term.prompts()) == 0 {
		select {
		case code := <-done:
			t.Fatalf("run ended (exit %d) before prompting:\n%s", code, errOut.String())
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	if code := <-done; code != ui.ExitInterrupted {
		t.Errorf("exit %d after Ctrl-C at the prompt, want %d\n%s", code, ui.ExitInterrupted, errOut.String())
	}
}

// TestTrustedPublishingBeforeTheKeyring: in mode auto a CI identity is
// used without asking the keyring or the prompt.
func TestTrustedPublishingBeforeTheKeyring(t *testing.T) {
	t.Parallel()
	index := mintScript(t, 500, "")
	k := &fakeKeyring{err: keyring.ErrNotFound}
	term := &fakeTerminal{}
	var errOut bytes.Buffer
	run(t.Context(), uploadArgs(index, good+"pyupload_mv22-2.2-py3-none-any.whl"),
		testEnv(t, map[string]string{"PYUPLOAD_OIDC_TOKEN": unsignedJWT(t, githubClaims("pypi"))}), &bytes.Buffer{}, &errOut,
		withTerminal(term), withKeyring(func(envvars.Lookup) keyringStore { return k }))
	if k.lookups() != 0 || len(term.prompts()) != 0 || !strings.Contains(errOut.String(), "getting an upload token by Trusted Publishing") {
		t.Errorf("keyring asked %d times, prompts %q; want Trusted Publishing alone\n%s", k.lookups(), term.prompts(), errOut.String())
	}
}

// TestVerboseNamesCredentialOrigins: -v logs where the username and the
// password came from, never the password.
func TestVerboseNamesCredentialOrigins(t *testing.T) {
	t.Parallel()
	_, u := startIndex(t, fakeindex.WithTokens(privateToken))
	term := &fakeTerminal{answers: map[string]string{"Enter your username: ": "__token__"}}
	k := &fakeKeyring{creds: map[[2]string]keyring.Credential{{u + "/legacy/", "__token__"}: {Username: "__token__", Password: privateToken}}}
	var out, errOut bytes.Buffer
	code := run(t.Context(), uploadArgs(u, "-v", good+"pyupload_mv22-2.2-py3-none-any.whl"), testEnv(t, nil), &out, &errOut,
		withTerminal(term), withKeyring(func(envvars.Lookup) keyringStore { return k }))
	stderr := errOut.String()
	if code != ui.ExitOK || !strings.Contains(stderr, "username=__token__ username_from=prompt password_from=\"the system keyring\"") {
		t.Errorf("exit %d, want 0 and the origins logged:\n%s", code, stderr)
	}
	if strings.Contains(stderr, privateToken) {
		t.Error("the password appears in the verbose log")
	}
}
