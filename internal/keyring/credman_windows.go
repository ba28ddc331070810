package keyring

import (
	"context"
	"errors"
	"unicode/utf16"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	advapi32  = windows.NewLazySystemDLL("advapi32.dll")
	credReadW = advapi32.NewProc("CredReadW")
	credFree  = advapi32.NewProc("CredFree")
)

// credTypeGeneric is CRED_TYPE_GENERIC, the type Python's keyring writes.
const credTypeGeneric = 1

// credential is the CREDENTIALW structure.
type credential struct {
	Flags              uint32
	Type               uint32
	TargetName         *uint16
	Comment            *uint16
	LastWritten        windows.Filetime
	CredentialBlobSize uint32
	CredentialBlob     *byte
	Persist            uint32
	AttributeCount     uint32
	Attributes         uintptr
	TargetAlias        *uint16
	UserName           *uint16
}

// find reads the Credential Manager as Python's keyring writes it: the
// target is the service, or "username@service" when a second username was
// stored for it, and the blob is the password in UTF-16.
func (s System) find(_ context.Context, service, username string) (Credential, error) {
	c, err := read(service)
	if err == nil && (username == "" || c.Username == username) {
		return c, nil
	}
	if err != nil && !errors.Is(err, ErrNotFound) || username == "" {
		return Credential{}, err
	}
	c, err = read(username + "@" + service)
	if err == nil && c.Username != username {
		return Credential{}, ErrNotFound
	}
	return c, err
}

func read(target string) (Credential, error) {
	name, err := windows.UTF16PtrFromString(target)
	if err != nil {
		return Credential{}, ErrNotFound
	}
	var pcred *credential
	r, _, err := credReadW.Call(uintptr(unsafe.Pointer(name)), credTypeGeneric, 0, uintptr(unsafe.Pointer(&pcred))) //nolint:gosec // G103: the Win32 call takes pointers
	if r == 0 {
		if errors.Is(err, windows.ERROR_NOT_FOUND) {
			return Credential{}, ErrNotFound
		}
		return Credential{}, err
	}
	defer func() { _, _, _ = credFree.Call(uintptr(unsafe.Pointer(pcred))) }() //nolint:gosec // G103: the Win32 call takes pointers
	blob := unsafe.Slice(pcred.CredentialBlob, pcred.CredentialBlobSize)       //nolint:gosec // G103: the blob CredReadW returned
	return Credential{Username: windows.UTF16PtrToString(pcred.UserName), Password: decodeUTF16(blob)}, nil
}

// decodeUTF16 reads a little-endian UTF-16 blob; an odd-sized one is not
// UTF-16 and is taken as bytes.
func decodeUTF16(b []byte) string {
	if len(b)%2 != 0 {
		return string(b)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return string(utf16.Decode(u))
}
