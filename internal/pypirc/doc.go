// Package pypirc reads ~/.pypirc, the configuration file twine and the
// other classic upload tools share, so pyupload can replace them without
// changing a user's setup. It reads it exactly as twine 4.0.2 does:
// [Parse] follows Python 3.11's configparser.RawConfigParser (no
// interpolation and no inline comments, so passwords containing '#', ';'
// or '%' survive; continuation lines, [DEFAULT], strict duplicates), and
// [Config.Repository] follows twine's get_config (which repositories exist,
// the built-in pypi and testpypi, [server-login]). Golden files written by
// Python itself (scripts/pypirc-golden.py) pin both.
//
// It serves the credentials step of pyupload's pipeline: cmd/pyupload
// parses the file, and internal/credentials asks it for the upload URL,
// username, password, ca_cert and client_cert of a --repository name. The
// package does no I/O of its own: [Parse] reads from the io.Reader it is
// given.
package pypirc
