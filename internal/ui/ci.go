package ui

import (
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/localfile"
	"github.com/pyupload/pyupload/pkg/oidc"
)

// Level is an annotation's severity.
type Level int

// The levels.
const (
	Warning Level = iota
	Error
)

// CI is what pyupload says to a CI system beyond plain log lines.
type CI interface {
	// Mask hides secret in every later line of the job's log.
	Mask(secret string)
	// Annotate raises a (multi-line) annotation and records it in the
	// job's summary. It reports false when the CI has no annotations, and
	// the caller prints the text itself.
	Annotate(level Level, title, text string) bool
	// Section starts a collapsible section of the log; end closes it.
	Section(title string) (end func())
}

// DetectCI returns the integration for the CI the environment names, or
// one that does nothing.
func DetectCI(env envvars.Lookup, log io.Writer) CI {
	if v, _ := env(oidc.VarGitHubActions.Name); v == "true" {
		summary, _ := env("GITHUB_STEP_SUMMARY")
		return &GitHubActions{Log: log, Summary: summary}
	}
	if v, _ := env(oidc.VarGitLabCI.Name); v == "true" {
		return &GitLab{Log: log, Now: time.Now}
	}
	return plainCI{}
}

type plainCI struct{}

func (plainCI) Mask(string)                         {}
func (plainCI) Annotate(Level, string, string) bool { return false }
func (plainCI) Section(string) func()               { return func() {} }

// GitHubActions speaks GitHub Actions' workflow commands on the log (the
// job's stderr, so stdout stays clean for $GITHUB_ENV and $GITHUB_OUTPUT)
// and appends to the step summary.
type GitHubActions struct {
	Log     io.Writer
	Summary string // $GITHUB_STEP_SUMMARY; "" for none
}

// Mask implements CI with ::add-mask::, one command per line of the
// secret (the runner masks line by line), each encoded as command data
// so that the secret can never end the command and start another.
func (g *GitHubActions) Mask(secret string) {
	for line := range strings.FieldsFuncSeq(secret, func(r rune) bool { return r == '\n' || r == '\r' }) {
		_, _ = fmt.Fprintf(g.Log, "::add-mask::%s\n", escapeData(line))
	}
}

// Annotate implements CI with ::warning:: and ::error::. The text is
// neutralised, then encoded as command data (%0A: the only way to a
// multi-line annotation) and the title as a command property, as GitHub's
// toolkit encodes them; in the step summary the text sits in a code block
// that nothing in it can close.
func (g *GitHubActions) Annotate(level Level, title, text string) bool {
	text = neutralize(text)
	cmd, heading := "warning", "## pyupload warning"
	if level == Error {
		cmd, heading = "error", "## pyupload failed"
	}
	_, _ = fmt.Fprintf(g.Log, "::%s title=%s::%s\n", cmd, escapeProperty(neutralize(title)), escapeData(text))
	g.summarize(heading + "\n\n" + fence(text))
	return true
}

// escapeData encodes a workflow command's data as GitHub's toolkit does.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty encodes a workflow command's property value as GitHub's
// toolkit does: also ':' and ',', which would end the value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// Section implements CI with ::group::.
func (g *GitHubActions) Section(title string) func() {
	_, _ = fmt.Fprintf(g.Log, "::group::%s\n", escapeData(neutralize(title)))
	return func() { _, _ = fmt.Fprintln(g.Log, "::endgroup::") }
}

// summarize appends markdown to the step summary, if there is one; a
// summary that cannot be written is not worth failing a release for.
func (g *GitHubActions) summarize(markdown string) {
	if g.Summary == "" {
		return
	}
	f, err := localfile.Append(g.Summary) // a named pipe must not hold the run
	if err != nil {
		return
	}
	_, _ = f.WriteString(markdown)
	_ = f.Close()
}

// GitLab speaks GitLab CI's log markers. GitLab masks only variables
// declared masked in its settings, and has no annotations.
type GitLab struct {
	Log io.Writer
	Now func() time.Time
	n   atomic.Int64
}

// Mask implements CI: GitLab cannot mask at run time.
func (g *GitLab) Mask(string) {}

// Annotate implements CI: GitLab has no annotations.
func (g *GitLab) Annotate(Level, string, string) bool { return false }

// Section implements CI with section_start and section_end markers.
func (g *GitLab) Section(title string) func() {
	name := fmt.Sprintf("pyupload_%d", g.n.Add(1))
	title = strings.ReplaceAll(neutralize(title), "\n", " ")
	_, _ = fmt.Fprintf(g.Log, "\x1b[0Ksection_start:%d:%s[collapsed=true]\r\x1b[0K%s\n", g.Now().Unix(), name, title)
	return func() {
		_, _ = fmt.Fprintf(g.Log, "\x1b[0Ksection_end:%d:%s\r\x1b[0K\n", g.Now().Unix(), name)
	}
}
