package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/internal/trusted"
	"github.com/pyupload/pyupload/pkg/dist"
	"github.com/pyupload/pyupload/pkg/mint"
	"github.com/pyupload/pyupload/pkg/upload"
)

// TestNeutralize pins what the printer does to text from outside: each
// hostile form, and text that must stay as it is.
func TestNeutralize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"plain", "File already exists.\nSee https://pypi.org/help/", "File already exists.\nSee https://pypi.org/help/"},
		{"tab and unicode stay", "café\t✓ naïve 日本", "café\t✓ naïve 日本"},
		{"ANSI CSI", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"ANSI erase line", "\x1b[2K\x1b[1Afake", `\x1b[2K\x1b[1Afake`},
		{"OSC hyperlink", "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07", `\x1b]8;;https://evil.example\x07click\x1b]8;;\x07`},
		{"OSC 52 clipboard", "\x1b]52;c;ZXZpbA==\x1b\\", `\x1b]52;c;ZXZpbA==\x1b\`},
		{"C1 CSI", "\u009b31mred", `\u009b31mred`},
		{"C1 OSC and NEL", "\u009d0;title\u0007\u0085next", `\u009d0;title\x07\u0085next`},
		{"lone carriage return", "uploaded\r::error::pwned", `uploaded\r::error::pwned`},
		{"CRLF is a newline", "a\r\nb", "a\nb"},
		{"NUL, DEL, backspace", "a\x00b\x7fc\bd", `a\x00b\x7fc\x08d`},
		{"workflow command", "::error::pwned", `\::error::pwned`},
		{"add-mask", "::add-mask::x", `\::add-mask::x`},
		{"command on a later line", "index said:\n::error::pwned\n::add-mask::x", "index said:\n\\::error::pwned\n\\::add-mask::x"},
		{"leading spaces", "   ::warning::x", `   \::warning::x`},
		{"leading tab", "\t::stop-commands::tok", "\t\\::stop-commands::tok"},
		{"leading no-break space", "\u00a0::error::x", "\u00a0\\::error::x"},
		{"leading em space", "\u2003\u3000::error::x", "\u2003\u3000\\::error::x"},
		{"colons mid-line stay", "host ::1 and a::b", "host ::1 and a::b"},
		{"legacy command anywhere", "message ##[add-mask]x ##[error]y", `message ##\[add-mask]x ##\[error]y`},
		{"legacy command at start", "##[group]x", `##\[group]x`},
		{"GitLab section start", "\x1b[0Ksection_start:1700000000:evil[collapsed=true]\r\x1b[0Kfake", `\x1b[0Ksection_start\:1700000000:evil[collapsed=true]\r\x1b[0Kfake`},
		{"GitLab section end", "section_end:1:pyupload_1", `section_end\:1:pyupload_1`},
		{"invalid UTF-8", "a\xffb\xc3", `a\xffb\xc3`},
		{"line separator", "a\u2028::error::x", `a\u2028::error::x`},
		{"paragraph separator", "a\u2029b", `a\u2029b`},
		{"bidi override", "evil\u202egnp.exe", `evil\u202egnp.exe`},
		{"bidi isolates and marks", "\u2066a\u2069\u200e\u200f\u061c", `\u2066a\u2069\u200e\u200f\u061c`},
		{"zero-width joiner of ##[", "#\u200b#[add-mask]x", `#\u200b#[add-mask]x`},
		{"variation selector", "#\ufe0f#[", `#\ufe0f#[`},
		{"combining grapheme joiner before ::", "\u034f::error::x", `\u034f::error::x`},
		{"BOM before ::", "\ufeff::error::x", `\ufeff::error::x`},
		{"Hangul filler", "\u3164::error::x", `\u3164::error::x`},
		{"tag characters", "a\U000e0041b", `a\U000e0041b`},
		{"backslashes stay", `C:\dist\x.whl`, `C:\dist\x.whl`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := neutralize(tt.in); got != tt.want {
				t.Errorf("neutralize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := neutralize(tt.want); got != tt.want {
				t.Errorf("neutralize(%q) = %q: not idempotent", tt.want, got)
			}
		})
	}
}

// checkSafe fails for text a CI log or a terminal would act on.
func checkSafe(t *testing.T, name, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("%s is not UTF-8: %q", name, out)
	}
	for _, r := range out {
		if unsafeRune(r) {
			t.Errorf("%s holds %U: %q", name, r, out)
			break
		}
	}
	for line := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(strings.TrimLeftFunc(line, unicode.IsSpace), "::") {
			t.Errorf("%s has a line starting a workflow command: %q", name, line)
		}
		for _, marker := range []string{"##[", "section_start:", "section_end:"} {
			if strings.Contains(line, marker) {
				t.Errorf("%s has %q in line %q", name, marker, line)
			}
		}
	}
}

// FuzzNeutralize: whatever the text, the result is safe, keeps exactly
// the input's line breaks (text never adds a line), and is a fixed point.
func FuzzNeutralize(f *testing.F) {
	for _, s := range []string{"::error::x", "a\n  ::add-mask::b", "##[group]", "\x1b[31m\r\n", "\u2028\u202e\xff", "section_start:1:x", "#\u200b#["} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := neutralize(s)
		checkSafe(t, "neutralize(s)", out)
		if got, want := strings.Count(out, "\n"), strings.Count(s, "\n"); got != want {
			t.Errorf("neutralize(%q) has %d line breaks, want %d", s, got, want)
		}
		if again := neutralize(out); again != out {
			t.Errorf("neutralize(%q) = %q, then %q: not idempotent", s, out, again)
		}
		checkSafe(t, "safeText(s)", safeText(s))
	})
}

func TestClip(t *testing.T) {
	t.Parallel()
	if got := clip("short\n"); got != "short\n" {
		t.Errorf("clip(short) = %q", got)
	}
	long := strings.Repeat("é", maxText) + "\n" // 2 bytes each: the cut falls inside one
	got := clip(long)
	if !utf8.ValidString(got) || !strings.HasSuffix(got, "\n") {
		t.Fatalf("clip(long) is not UTF-8 or lost its newline: …%q", got[len(got)-40:])
	}
	kept, note, _ := strings.Cut(got, "… (")
	if len(kept) > maxText {
		t.Errorf("clip kept %d bytes, want at most %d", len(kept), maxText)
	}
	if want := fmt.Sprintf("%d more bytes)\n", len(long)-1-len(kept)); note != want {
		t.Errorf("clip's note = %q, want %q", note, want)
	}
}

// TestFence: text in the step summary cannot close its code block, however
// many backticks it holds.
func TestFence(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"no ticks", "```\n## injected heading\n```", "a `` b ```` c", strings.Repeat("`", 12)} {
		got := fence(text)
		lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
		open, close := lines[0], lines[len(lines)-1]
		if open != close || strings.Trim(open, "`") != "" || len(open) < 3 {
			t.Fatalf("fence(%q) = %q: bad fences", text, got)
		}
		for _, l := range lines[1 : len(lines)-1] {
			if trimmed := strings.TrimLeft(l, " "); strings.HasPrefix(trimmed, open) {
				t.Errorf("fence(%q): inner line %q closes the block", text, l)
			}
		}
	}
}

// TestSafeJSON: --json stays exact (it decodes to the very strings) and
// holds no raw control, format or line-separator character, and no
// legacy workflow command.
func TestSafeJSON(t *testing.T) {
	t.Parallel()
	values := []string{"\x1b[31m::error::x\n", "\u2028\u2029", "\u009b\u0085\x7f", "evil\u202egnp", "##[add-mask]x", "\U000e0041", "plain ✓"}
	var buf bytes.Buffer
	if err := encodeJSON(&buf, values); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	var back []string
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("safe JSON does not decode: %v\n%s", err, out)
	}
	if diff := cmp.Diff(values, back); diff != "" {
		t.Errorf("decoded JSON differs (-want +got):\n%s", diff)
	}
	checkSafe(t, "JSON", out)
	// encoding/json escapes these itself; pin that it still does.
	raw, _ := json.Marshal("\u2028\u2029\x1b")
	if string(raw) != `"\u2028\u2029\u001b"` {
		t.Errorf("json.Marshal = %s, want U+2028, U+2029 and ESC escaped", raw)
	}
}

// TestGitHubAnnotationEscapes: the annotation's title is escaped as a
// property (',' and ':' would end it), its text as data, and each is one
// line whatever the text holds.
func TestGitHubAnnotationEscapes(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	g := &GitHubActions{Log: &log}
	g.Annotate(Error, "a:b,c%d\ne", "50% done\r\n::add-mask::x\x1b[2K")
	want := "::error title=a%3Ab%2Cc%25d%0Ae::50%25 done%0A\\::add-mask::x\\x1b[2K\n"
	if got := log.String(); got != want {
		t.Errorf("annotation = %q, want %q", got, want)
	}
}

// TestGitHubMask: each line of a secret is masked on its own, encoded as
// command data, so a secret cannot end its own mask command.
func TestGitHubMask(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	pr := &Printer{out: io.Discard, err: &log, ci: &GitHubActions{Log: &log}}
	pr.Mask("pypi-abc\nBASH_ENV=./evil.sh\r\n50%25\r::error::x")
	pr.Mask("pypi-abc\nBASH_ENV=./evil.sh\r\n50%25\r::error::x") // once is enough
	want := "::add-mask::pypi-abc\n::add-mask::BASH_ENV=./evil.sh\n::add-mask::50%2525\n::add-mask::::error::x\n"
	if got := log.String(); got != want {
		t.Errorf("masks = %q, want %q", got, want)
	}
}

// ownCommand matches the workflow commands pyupload itself writes.
var ownCommand = regexp.MustCompile(`^::(add-mask::|error title=pyupload failed::|warning title=pyupload::|group::|endgroup::$)`)

// TestEveryPathIsNeutralised sends hostile index text through every way
// the printer writes (errors, warnings, notes, the verbose log, reports,
// stdout): no line but pyupload's own commands starts one, no ESC reaches
// the output, and the step summary's code blocks stay closed.
func TestEveryPathIsNeutralised(t *testing.T) {
	t.Parallel()
	const hostile = "bad\n::error::pwned\n  ::add-mask::x\n##[add-mask]y\x1b]8;;https://evil\x07\x1b[31m\u202e\r::warning::z\n```\n## fake heading\n````````"
	var stdout, stderr bytes.Buffer
	summary := filepath.Join(t.TempDir(), "summary.md")
	pr := &Printer{out: &stdout, err: &stderr, ci: &GitHubActions{Log: &stderr, Summary: summary}}
	pr.Infof("info %s", hostile)
	pr.Notef("note %s", hostile)
	pr.Warn(hostile)
	pr.RefreshFailed(errors.New(hostile))
	slog.New(slog.NewTextHandler(pr.Stderr(), nil)).Info(hostile, "error", errors.New(hostile), "url", "https://x/##[add-mask]y")
	res := []upload.Result{{Dist: &dist.Dist{Path: "dist/a.whl", Filename: &dist.Filename{Base: "a.whl"}}, Status: upload.Skipped, OtherFilename: hostile}}
	pr.FailureSummary(res)
	if err := pr.UploadReport(res, false); err != nil {
		t.Fatal(err)
	}
	if err := pr.Print(hostile + "\n"); err != nil {
		t.Fatal(err)
	}
	pr.Fail(fmt.Errorf("uploading a.whl: %w", &upload.HTTPError{StatusCode: 400, Message: hostile}))

	for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
		if strings.ContainsAny(out, "\x1b\u009b\u009d\r") {
			t.Errorf("%s holds a raw ESC, CSI, OSC or CR:\n%q", name, out)
		}
		var others []string
		for line := range strings.SplitSeq(out, "\n") {
			if ownCommand.MatchString(line) {
				continue
			}
			others = append(others, line)
		}
		checkSafe(t, name, strings.Join(others, "\n"))
	}
	b, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	checkFences(t, string(b))
}

// checkFences fails unless every "## pyupload" section of the summary is
// one fenced block whose fence closes only at its end.
func checkFences(t *testing.T, summary string) {
	t.Helper()
	sections := strings.Split(summary, "## pyupload ")[1:]
	if len(sections) == 0 {
		t.Fatalf("no section in the step summary:\n%s", summary)
	}
	for _, s := range sections {
		lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
		if len(lines) < 4 || lines[1] != "" {
			t.Fatalf("summary section %q is not a heading then a block", s)
		}
		open, body, close := lines[2], lines[3:len(lines)-1], lines[len(lines)-1]
		if len(open) < 3 || strings.Trim(open, "`") != "" || close != open {
			t.Fatalf("summary section's fences are %q and %q:\n%s", open, close, s)
		}
		for _, l := range body {
			if strings.HasPrefix(strings.TrimLeft(l, " "), open) {
				t.Errorf("line %q closes the summary's block early", l)
			}
		}
	}
}

// TestTokenRefusesInjection: the token, and a --name that is not a
// variable, print nothing.
func TestTokenRefusesInjection(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ value, name string }{
		{"pypi-abc\nBASH_ENV=./evil.sh\nNODE_OPTIONS=--require=./evil.js", ""},
		{"pypi-abc", "X\nBASH_ENV"},
		{"pypi-abc", "X<<EOF"},
		{"pypi-abc ", ""},
	} {
		var stdout, stderr bytes.Buffer
		pr := &Printer{out: &stdout, err: &stderr, ci: &GitHubActions{Log: &stderr}}
		err := pr.Token(mint.Token{Value: tc.value}, "env", tc.name, "https://upload.pypi.org/legacy/", "github")
		if err == nil || stdout.Len() > 0 || stderr.Len() > 0 {
			t.Errorf("Token(%q, name %q) = %v, stdout %q, stderr %q; want an error and no output", tc.value, tc.name, err, stdout.String(), stderr.String())
		}
		if err != nil && strings.Contains(err.Error(), "abc") {
			t.Errorf("Token(%q) error %q quotes the token", tc.value, err)
		}
	}
}

var (
	envLines = regexp.MustCompile(`^TWINE_USERNAME=__token__\nTWINE_PASSWORD=(pypi-[A-Za-z0-9_-]+=*)\n` + trusted.MintedVar + `=([0-9a-f]{64})\n$`)
	jsonKeys = []string{"expires", "expires_unix", "provider", "repository_url", "token", "username"}
)

// FuzzTokenOutput: whatever the index's mint answer holds, `pyupload
// token` prints exactly its documented lines or fields, with the token
// masked first, or nothing. Each input is both the body of a mint answer
// (through mint.Client) and a token value handed to the printer directly.
func FuzzTokenOutput(f *testing.F) {
	for _, s := range []string{
		`{"success": true, "token": "pypi-AgEIcHlwaS5vcmc", "expires": 1800000000}`,
		`{"token": "pypi-abc\nBASH_ENV=./evil.sh\nNODE_OPTIONS=--require=./evil.js"}`,
		`{"token": "pypi-abc\r::add-mask::x"}`,
		`{"token": "pypi-abc\u2028x"}`,
		`{"token": "pypi-abc==", "expires": "1800000000"}`,
		`{"token": "ghp_notpypi"}`,
		"pypi-x\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		c := &mint.Client{HTTP: &http.Client{Transport: transport.RoundTripperFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(input)), Request: r}, nil
		})}, Base: &url.URL{Scheme: "https", Host: "index.example"}}
		toks := []mint.Token{{Value: input}}
		if tok, err := c.Mint(t.Context(), "a.b.c"); err == nil {
			toks = append(toks, tok)
		}
		for _, tok := range toks {
			for _, format := range TokenFormats {
				checkTokenOutput(t, tok, format, "")
			}
			checkTokenOutput(t, tok, "env", "PYPI_TOKEN")
		}
	})
}

func checkTokenOutput(t *testing.T, tok mint.Token, format, name string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	pr := &Printer{out: &stdout, err: &stderr, ci: &GitHubActions{Log: &stderr}}
	err := pr.Token(tok, format, name, "https://upload.pypi.org/legacy/", "github")
	out := stdout.String()
	if err != nil {
		if !errors.Is(err, mint.ErrMalformedToken) || out != "" || stderr.Len() > 0 {
			t.Fatalf("Token(%q, %s) = %v with stdout %q and stderr %q; want mint.ErrMalformedToken and no output", tok.Value, format, err, out, stderr.String())
		}
		return
	}
	if got, want := stderr.String(), "::add-mask::"+tok.Value+"\n"; got != want {
		t.Errorf("Token(%q, %s) stderr = %q, want only %q", tok.Value, format, got, want)
	}
	switch {
	case format == "raw":
		if out != tok.Value+"\n" || strings.Count(out, "\n") != 1 {
			t.Errorf("raw output %q, want one line %q", out, tok.Value)
		}
	case format == "env" && name != "":
		if out != name+"="+tok.Value+"\n" || strings.Count(out, "\n") != 1 {
			t.Errorf("env --name output %q, want one line", out)
		}
	case format == "env":
		if m := envLines.FindStringSubmatch(out); m == nil || m[1] != tok.Value || m[2] != trusted.Fingerprint(tok.Value) {
			t.Errorf("env output = %q, want exactly the three documented lines", out)
		}
	case format == "json":
		checkTokenJSON(t, tok.Value, out)
	}
	checkSafe(t, format+" output", out)
}

func checkTokenJSON(t *testing.T, value, out string) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("json output does not decode: %v\n%s", err, out)
	}
	if dec.More() {
		t.Errorf("json output holds more than one value:\n%s", out)
	}
	keys := slices.Sorted(maps.Keys(doc))
	if diff := cmp.Diff(jsonKeys, keys); diff != "" || doc["token"] != value {
		t.Errorf("json fields (-want +got):\n%s\ntoken %q, want %q", diff, doc["token"], value)
	}
}
