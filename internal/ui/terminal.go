package ui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// Terminal asks for what a run lacks, on an interactive terminal only:
// twine's prompts ("Enter your username: ") on stderr, the answer read
// from stdin, a password without echo. A prompt ends when its context
// does (Ctrl-C), with the terminal's echo restored.
type Terminal struct {
	in    *os.File
	out   io.Writer
	lines *bufio.Reader
}

// NewTerminal returns the terminal in is, prompting on out; false when in
// is not an interactive terminal (a pipe, a file, /dev/null), where
// nothing can be asked.
func NewTerminal(in *os.File, out io.Writer) (*Terminal, bool) {
	if !IsTerminal(in) {
		return nil, false
	}
	return &Terminal{in: in, out: out, lines: bufio.NewReader(in)}, true
}

// ReadLine prompts and reads one line, echoed.
func (t *Terminal) ReadLine(ctx context.Context, prompt string) (string, error) {
	_, _ = fmt.Fprint(t.out, prompt)
	return t.await(ctx, nil, func() (string, error) {
		line, err := t.lines.ReadString('\n')
		if err != nil && line == "" {
			return "", err
		}
		return strings.TrimRight(line, "\r\n"), nil
	})
}

// ReadPassword prompts and reads one line without echo.
func (t *Terminal) ReadPassword(ctx context.Context, prompt string) (string, error) {
	_, _ = fmt.Fprint(t.out, prompt)
	fd := int(t.in.Fd()) // #nosec G115 -- file descriptors fit in int
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	defer func() { _, _ = fmt.Fprintln(t.out) }() // the Enter that was not echoed
	return t.await(ctx, state, func() (string, error) {
		b, err := term.ReadPassword(fd)
		return string(b), err
	})
}

// await runs read until it answers or ctx ends; then the terminal gets
// its state back (echo on) and the read is abandoned, as the run is
// ending.
func (t *Terminal) await(ctx context.Context, state *term.State, read func() (string, error)) (string, error) {
	type answer struct {
		s   string
		err error
	}
	done := make(chan answer, 1)
	go func() {
		s, err := read()
		done <- answer{s, err}
	}()
	select {
	case a := <-done:
		return a.s, a.err
	case <-ctx.Done():
		if state != nil {
			_ = term.Restore(int(t.in.Fd()), state) // #nosec G115 -- file descriptors fit in int
		}
		return "", ctx.Err()
	}
}
