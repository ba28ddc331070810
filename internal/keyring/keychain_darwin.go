package keyring

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
)

// security is macOS's keychain tool; Python's keyring reads the same
// generic passwords (service and account) through the Security framework.
const security = "/usr/bin/security"

// errItemNotFound is security's exit status for a missing item.
const errItemNotFound = 44

// acctRE finds the account in security's description of an item.
var acctRE = regexp.MustCompile(`"acct"<blob>="([^"]*)"`)

// find asks the login keychain. The Mac's zero-value System needs nothing
// more.
func (s System) find(ctx context.Context, service, username string) (Credential, error) {
	if username == "" {
		out, err := run(ctx, "find-generic-password", "-s", service)
		if err != nil {
			return Credential{}, err
		}
		m := acctRE.FindSubmatch(out)
		if m == nil {
			return Credential{}, ErrNotFound
		}
		username = string(m[1])
	}
	out, err := run(ctx, "find-generic-password", "-s", service, "-a", username, "-w")
	if err != nil {
		return Credential{}, err
	}
	return Credential{Username: username, Password: strings.TrimSuffix(string(out), "\n")}, nil
}

func run(ctx context.Context, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, security, args...) // #nosec G204 -- a fixed program; the service and account are arguments, never a shell
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := errors.AsType[*exec.ExitError](err); ok && ee.ExitCode() == errItemNotFound {
		return nil, ErrNotFound
	}
	if errors.Is(err, exec.ErrNotFound) {
		return nil, ErrUnavailable
	}
	if err != nil {
		return nil, fmt.Errorf("keyring: %s: %w: %s", security, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}
