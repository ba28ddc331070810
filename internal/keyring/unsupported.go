//go:build !(linux || freebsd || openbsd || netbsd || dragonfly || darwin || windows)

package keyring

import "context"

// find: this operating system has no keyring pyupload knows.
func (System) find(context.Context, string, string) (Credential, error) {
	return Credential{}, ErrUnavailable
}
