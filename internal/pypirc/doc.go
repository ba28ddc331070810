// Package pypirc parses ~/.pypirc, the configuration file twine and the
// other classic upload tools share, so pyupload can replace them without
// changing a user's setup. It parses with the semantics of Python's
// configparser.RawConfigParser that twine uses: no interpolation and no
// inline comments, so passwords containing '#', ';' or '%' survive.
//
// It serves the credentials step of pyupload's pipeline: cmd/pyupload asks
// it for the upload URL of a --repository name and, when flags,
// environment variables and the URL give none, for the username and
// password. The package does no I/O of its own: [Parse] reads from the
// io.Reader it is given.
package pypirc
