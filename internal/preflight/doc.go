// Package preflight is the stage between the command line and the upload:
// it turns the distribution arguments into files (paths, glob patterns and
// directories, as twine reads them), reads and checks every file
// concurrently with pkg/dist, adds the rules that span files (one sdist per
// release, one file name once), and gathers each file's companion files
// (PEP 740 attestations). It hands the upload stage either the checked
// dists or a [Report] that says which files failed and why, so that no
// byte is sent unless every file passed.
//
// It prints nothing: internal/ui renders its reports.
package preflight
