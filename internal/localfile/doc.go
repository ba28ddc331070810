// Package localfile opens the files pyupload reads from the local disk:
// distributions, attestations, the OIDC token file, the .pypirc, CA
// bundles and client certificates. It sits beside the pipeline, under
// pkg/dist, pkg/upload, internal/preflight and cmd/pyupload.
//
// Only regular files are read. A named pipe, a device, a socket or a
// directory where a file is expected is refused at once with a
// [*NotRegularError] naming it: opening a named pipe for reading would
// wait for a writer forever (and a device may never answer), so the path
// is checked first, opened without waiting (O_NONBLOCK on Unix), and
// checked again on the open file, which also refuses a file swapped for
// a pipe in between.
//
// [Contents] is an upload's file part: it writes itself to the
// connection from a memory map of the file on Linux, so that the bytes
// are not copied into a buffer first.
package localfile
