// Package keyring reads a password from the operating system's keyring,
// where twine's keyring library (Python's keyring) stores it:
// keyring.get_password(repository_url, username). It sits beside the
// credentials stage: internal/credentials decides what is missing,
// cmd/pyupload asks [System.Find] for it, and the answer goes back
// through credentials.Resolved.WithPassword, so the decision stays pure.
//
// The stores are those Python's keyring uses by default: the Secret
// Service over the session D-Bus on Linux and the BSDs (GNOME Keyring,
// KWallet, KeePassXC), the login keychain on macOS (through
// /usr/bin/security), and the Credential Manager on Windows. Reading is
// all it does: it never writes, never unlocks a locked keyring (which
// would open a desktop dialog), and never starts a D-Bus daemon or reads
// the environment (the caller passes the bus address).
//
// Every lookup is bounded by its context: a keyring that does not answer
// costs at most that long, never a hung run.
package keyring
