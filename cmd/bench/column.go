package main

import "strconv"

// column is one client configuration of the table.
type column struct {
	name  string
	twine bool
	jobs  int // pyupload's --jobs; 0 is its default (no flag)
}

// columns are the clients measured: twine (shown as "not installed" when
// it is not, and then never run), then pyupload with one job, its
// default, and eight.
func columns() []column {
	return []column{
		{name: "twine", twine: true},
		{name: "pyupload -j1", jobs: 1},
		{name: "pyupload default", jobs: 0},
		{name: "pyupload -j8", jobs: 8},
	}
}

// applies reports whether the column is run for s: --jobs means nothing
// to --version or check, so only twine and pyupload's default run them.
func (c column) applies(s *scenario) bool {
	return s.act == actUpload || c.twine || c.jobs == 0
}

// argv is the column's command line for s, against the index at url whose
// CA is in ca.
func (c column) argv(cfg *config, s *scenario, url, ca string) []string {
	var argv []string
	if c.twine {
		argv = []string{cfg.twine}
	} else {
		argv = []string{cfg.pyupload}
	}
	switch s.act {
	case actVersion:
		return append(argv, "--version")
	case actCheck:
		return append(append(argv, "check"), s.files...)
	}
	argv = append(argv, "upload", "--non-interactive", "--cert", ca, "--repository-url", url)
	if c.twine {
		argv = append(argv, "--disable-progress-bar")
	} else {
		argv = append(argv, "--trusted-publishing", "never")
		if c.jobs > 0 {
			argv = append(argv, "--jobs", strconv.Itoa(c.jobs))
		}
	}
	return append(argv, s.files...)
}
