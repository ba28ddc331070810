// Package ui is the end of pyupload's pipeline: everything a person or a
// CI log sees. A [Printer] owns stdout and stderr and knows whether stderr
// is a terminal; it renders the check and upload reports (text and JSON),
// the upload's [Progress], notes and warnings, and failures: [Explain] is
// the one place that turns an error into a message, a hint and an exit
// code. The CI integrations (GitHub Actions' workflow commands and step
// summary, GitLab's collapsible sections) sit behind the small [CI]
// interface.
//
// Stdout carries results only (one line per file, or JSON), so it can be
// piped; everything else goes to stderr. Every text the printer writes is
// neutralised first, since errors and values carry text from the index
// and from distributions: no control or format character, no line that
// starts a workflow command, messages cut at 8 KiB (safe.go,
// CONTRIBUTING.md C21).
package ui
