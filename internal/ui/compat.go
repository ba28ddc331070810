package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/pyupload/pyupload/internal/keyring"
)

// GPGIgnored says, in one note, that GPG signatures are neither made nor
// sent: the signature files among the inputs and the signing flags given
// (twine's --sign, --sign-with, --identity) do nothing. PyPI has ignored
// uploaded signatures since 2024 (docs/index-server.md §2).
func (p *Printer) GPGIgnored(files, flags []string) {
	var ignored []string
	if len(flags) > 0 {
		ignored = append(ignored, strings.Join(flags, ", "))
	}
	switch len(files) {
	case 0:
	case 1:
		ignored = append(ignored, filepath.Base(files[0]))
	default:
		names := make([]string, len(files))
		for i, f := range files {
			names[i] = filepath.Base(f)
		}
		ignored = append(ignored, fmt.Sprintf("%d signature files (%s)", len(files), strings.Join(names, ", ")))
	}
	if len(ignored) == 0 {
		return
	}
	p.Notef("ignoring %s: pyupload neither makes nor sends GPG signatures, which PyPI stopped accepting in 2024 (PEP 740 attestations replace them: --attestations)", strings.Join(ignored, " and "))
}

// KeyringUnused says why the system keyring gave no password for the
// index, when that is worth knowing: the keyring holding it is locked, or
// it did not answer within limit. No keyring, or no password in it, is
// silent: most machines have none.
func (p *Printer) KeyringUnused(index string, err error, limit time.Duration) {
	switch {
	case errors.Is(err, keyring.ErrLocked):
		p.Notef("the system keyring holds a password for %s but is locked; pyupload does not unlock it (unlock it, e.g. by logging in to the desktop, or give the password)", index)
	case errors.Is(err, context.DeadlineExceeded):
		p.Notef("the system keyring did not answer within %s; going on without it (PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring turns it off)", limit)
	}
}
