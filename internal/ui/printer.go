package ui

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"

	"github.com/pyupload/pyupload/internal/envvars"
)

// Printer writes everything pyupload shows. Its methods ignore write
// errors on stderr (there is nowhere left to report them); results on
// stdout return theirs.
//
// Every text it writes is neutralised first (see safe.go): errors and
// values carry text from the index and from distributions, and no caller
// needs to say which. JSON stays exact.
type Printer struct {
	out, err io.Writer
	errTTY   bool
	ci       CI
	bar      *Progress // the progress bar on the terminal, if one was started
	masked   sync.Map  // the secrets already masked
}

// New returns a printer for stdout and stderr, speaking the workflow
// commands of the CI the environment names.
func New(stdout, stderr io.Writer, env envvars.Lookup) *Printer {
	return &Printer{out: stdout, err: stderr, errTTY: IsTerminal(stderr), ci: DetectCI(env, stderr)}
}

// IsTerminal reports whether w is an interactive terminal. A character
// device is not enough (/dev/null is one): the terminal must answer a
// terminal's ioctl.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) // #nosec G115 -- file descriptors fit in int
}

// Stderr is where diagnostics go (the verbose log, too). Each write is
// neutralised and cut as a message is, so write whole lines; and each
// first takes a progress bar off the terminal line, so lines never land on
// it.
func (p *Printer) Stderr() io.Writer { return safeWriter{stderrWriter{p}} }

// stderrWriter writes to stderr as it is, after clearing the bar.
type stderrWriter struct{ p *Printer }

func (w stderrWriter) Write(b []byte) (int, error) {
	if bar := w.p.bar; bar != nil {
		bar.mu.Lock()
		defer bar.mu.Unlock()
		bar.clearLine()
	}
	return w.p.err.Write(b)
}

// Infof prints a line of information on stderr.
func (p *Printer) Infof(format string, args ...any) {
	_, _ = fmt.Fprintf(p.Stderr(), format+"\n", args...)
}

// Notef prints a note on stderr.
func (p *Printer) Notef(format string, args ...any) {
	_, _ = fmt.Fprintf(p.Stderr(), "note: "+format+"\n", args...)
}

// Warn shows a warning: an annotation in CI logs that have them, a plain
// text on stderr otherwise.
func (p *Printer) Warn(text string) {
	text = safeText(strings.TrimSpace(text))
	if !p.ci.Annotate(Warning, "pyupload", text) {
		_, _ = io.WriteString(stderrWriter{p}, text+"\n")
	}
}

// Mask hides a secret in every later line of the CI log, where the CI can,
// once per secret.
func (p *Printer) Mask(secret string) {
	if secret == "" {
		return
	}
	if _, done := p.masked.LoadOrStore(secret, true); !done {
		p.ci.Mask(secret)
	}
}

// Fail reports err with its hint, raises it in the CI, and returns the
// exit code [Explain] decides. A nil err is success.
func (p *Printer) Fail(err error) int {
	if err == nil {
		return ExitOK
	}
	msg, hint, code := Explain(err)
	msg, hint = safeText(msg), safeText(hint)
	if msg != "" && code != ExitInterrupted {
		text := msg
		if hint != "" {
			text += "\n\n" + hint
		}
		p.ci.Annotate(Error, "pyupload failed", text)
	}
	// Through Stderr, which clears a progress bar still drawn.
	if msg != "" {
		_, _ = fmt.Fprintf(p.Stderr(), "pyupload: error: %s\n", msg)
	}
	if hint != "" {
		_, _ = fmt.Fprintf(p.Stderr(), "hint: %s\n", hint)
	}
	return code
}
