// Package preflight is the stage between the command line and the upload:
// it turns the distribution arguments into files (paths, glob patterns and
// directories, as twine reads them) and sorts out each file's companions
// (GPG signatures, PEP 740 attestations: [Split]), reads and checks every
// file concurrently with pkg/dist, adds the rules that span files (one
// sdist per release, one file name once), and gathers the attestations to
// send with each file. It hands the upload stage either the checked
// dists or a [Report] that says which files failed and why, so that no
// byte is sent unless every file passed.
//
// It prints nothing: internal/ui renders its reports.
package preflight
