package main

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/pyupload/pyupload/"

// forbiddenDeps is the import graph of docs/architecture.md (CONTRIBUTING.md
// C1), checked on the full transitive dependency set (depguard in
// .golangci.yml checks direct imports). Data flows one way: the leaves
// (pkg/dist, pkg/oidc, pkg/mint), then the stages that use them
// (pkg/upload, internal/preflight, internal/credentials, internal/publisher,
// internal/trusted; none imports another stage's output), then internal/ui,
// which renders them all, then cmd/pyupload, which wires everything.
//
// Every package of the module must have a rule, so a new one is placed
// deliberately.
var forbiddenDeps = map[string][]string{
	// PyPI's grammars (versions, specifiers, requirements) are pure
	// parsers below pkg/dist, which checks metadata with them. The test
	// index reaches them only through pkg/dist's Version; its own rules
	// never call them (depguard in .golangci.yml checks that).
	"pkg/pep440": {"net/http", "os/exec", "pkg/dist", "pkg/pep508", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/fakeindex", "github.com/urfave/cli/v3"},
	"pkg/pep508": {"net/http", "os/exec", "pkg/dist", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/fakeindex", "github.com/urfave/cli/v3"},
	// The pair of digests is pure computation below pkg/dist.
	"internal/twohash": {"net/http", "os/exec", "pkg/dist", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/transport", "internal/localfile", "github.com/urfave/cli/v3"},
	// Reading archives needs no network and no other pipeline stage.
	"pkg/dist": {"net/http", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/transport", "github.com/urfave/cli/v3"},
	// The generated reference lists (SPDX ids, trove classifiers) are data
	// only: the client's checks and the test index's oracle both read them.
	"internal/refdata": {"net/http", "pkg/dist", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/fakeindex", "internal/ui", "github.com/urfave/cli/v3"},
	// Python's str methods: a leaf every rule mirror may use.
	"internal/pystr": {"net/http", "os", "pkg/dist", "pkg/rst", "pkg/upload", "internal/pypirc", "github.com/urfave/cli/v3"},
	// The reStructuredText validator is a leaf under pkg/dist and the test index.
	// (os comes in through fmt, which golang.org/x/text/unicode/norm uses;
	// depguard keeps pkg/rst itself from importing it.)
	"pkg/rst": {"net/http", "os/exec", "pkg/dist", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/transport", "github.com/urfave/cli/v3"},
	// Identity tokens and token exchange are leaves.
	"pkg/oidc": {"pkg/dist", "pkg/upload", "pkg/mint", "github.com/urfave/cli/v3"},
	"pkg/mint": {"pkg/dist", "pkg/upload", "pkg/oidc", "github.com/urfave/cli/v3"},
	// Upload receives a credentials callback, never a token source.
	"pkg/upload": {"pkg/oidc", "pkg/mint", "internal/trusted", "internal/credentials", "github.com/urfave/cli/v3"},
	// Plumbing below every network stage.
	"internal/transport": {"pkg/dist", "pkg/upload", "pkg/oidc", "pkg/mint", "github.com/urfave/cli/v3"},
	"internal/pypirc":    {"net/http", "pkg/dist", "pkg/upload", "pkg/oidc", "pkg/mint", "github.com/urfave/cli/v3"},
	// Opening local files safely is below every stage that reads one.
	"internal/localfile": {"net/http", "pkg/dist", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/transport", "internal/preflight", "internal/credentials", "internal/trusted", "internal/ui", "github.com/urfave/cli/v3"},
	"internal/envvars":   {"pkg/dist", "pkg/upload", "pkg/mint", "internal/ui", "github.com/urfave/cli/v3"},
	// What is wrong with a secret's shape: a leaf under mint and credentials.
	"internal/secret": {"net/http", "pkg/dist", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/credentials", "internal/ui", "github.com/urfave/cli/v3"},
	// Reading an index's listings serves the upload; it knows nothing of it.
	"internal/readapi": {"pkg/upload", "pkg/oidc", "pkg/mint", "internal/credentials", "internal/trusted", "internal/ui", "github.com/urfave/cli/v3"},
	// The middle stages know their inputs, never the stages after them.
	"internal/preflight": {"net/http", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/credentials", "internal/trusted", "internal/ui", "github.com/urfave/cli/v3"},
	// Resolve is pure: the keyring is asked by the command, never by it.
	"internal/credentials": {"pkg/dist", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/preflight", "internal/trusted", "internal/ui", "internal/keyring", "github.com/urfave/cli/v3"},
	// The keyring reads the operating system's store and knows nothing of
	// indexes, credentials' rules or the environment (its caller passes
	// the bus address).
	"internal/keyring":   {"net/http", "pkg/dist", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/transport", "internal/envvars", "internal/credentials", "internal/preflight", "internal/trusted", "internal/ui", "github.com/urfave/cli/v3"},
	"internal/publisher": {"pkg/dist", "pkg/upload", "pkg/mint", "internal/trusted", "internal/ui", "github.com/urfave/cli/v3"},
	"internal/trusted":   {"pkg/dist", "pkg/upload", "internal/preflight", "internal/credentials", "internal/ui", "github.com/urfave/cli/v3"},
	// Attesting a batch is given its signer and verifier as functions: it
	// does no I/O of its own and knows neither Sigstore nor the upload.
	"internal/attest": {"net/http", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/trusted", "internal/credentials", "internal/ui", "github.com/urfave/cli/v3"},
	// Fetching a published release's provenance reads the index only.
	"internal/provenance": {"pkg/upload", "pkg/oidc", "pkg/mint", "pkg/dist", "internal/trusted", "internal/credentials", "internal/ui", "github.com/urfave/cli/v3"},
	// Everything shown is decided at the end, and only the CLI parses flags.
	"internal/ui": {"github.com/urfave/cli/v3"},
	// The test index and the CI fakes are independent of the client.
	"internal/fakeindex": {"pkg/upload", "internal/readapi", "pkg/oidc", "pkg/mint", "internal/transport", "internal/preflight", "internal/credentials", "internal/trusted", "internal/publisher", "internal/ui", "github.com/urfave/cli/v3"},
	"internal/fakeci":    {"pkg/upload", "internal/readapi", "pkg/oidc", "pkg/mint", "internal/transport", "internal/preflight", "internal/credentials", "internal/trusted", "internal/publisher", "internal/ui", "github.com/urfave/cli/v3"},
	// The fake Sigstore is an oracle for the client's signer and verifier
	// (pkg/sigstore): it must not reuse them.
	"internal/fakesigstore": {"pkg/upload", "pkg/sigstore", "pkg/oidc", "pkg/mint", "internal/ui", "internal/readapi", "internal/transport", "internal/preflight", "internal/credentials", "internal/trusted", "internal/publisher", "internal/fakeindex", "github.com/urfave/cli/v3"},
	"cmd/fakeindex":         {"pkg/upload", "internal/readapi", "pkg/oidc", "pkg/mint", "internal/preflight", "internal/credentials", "internal/trusted", "internal/publisher", "internal/ui"},
	// Test support: builds archives for the client's tests and the index's
	// alike, so it must lean on neither (and only tests import it).
	"internal/answermeter": {"net/http", "pkg/dist", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/fakeindex", "internal/fakeci", "github.com/urfave/cli/v3"},
	"internal/golden":      {"pkg/upload", "pkg/oidc", "pkg/mint", "pkg/dist", "internal/fakeindex", "github.com/urfave/cli/v3"},
	"internal/pyoracle":    {"net/http", "pkg/upload", "pkg/oidc", "pkg/mint", "pkg/dist", "internal/fakeindex", "github.com/urfave/cli/v3"},
	"internal/testzip":     {"pkg/upload", "pkg/oidc", "pkg/mint", "pkg/dist", "internal/fakeindex", "github.com/urfave/cli/v3"},
	// The fake Secret Service is an oracle for the keyring client.
	"internal/fakesecrets": {"internal/keyring", "internal/credentials", "internal/ui", "pkg/upload", "pkg/oidc", "pkg/mint", "pkg/dist", "github.com/urfave/cli/v3"},
	// Sigstore signing and verification is a leaf: hand-written on the
	// standard library, so the shipped binary links no Sigstore module
	// (sigstore-go is a test-only oracle).
	"pkg/sigstore": {"pkg/upload", "pkg/dist", "pkg/mint", "pkg/oidc", "internal/fakeindex", "internal/sigstoretest", "github.com/urfave/cli/v3", "github.com/sigstore"},
	// The TUF client that refreshes Sigstore's trusted root is a leaf on the
	// standard library: it verifies TUF metadata itself, so the binary
	// links neither go-tuf nor Sigstore's modules (tests use go-tuf as an
	// oracle), and it knows nothing of what it fetches or of the stages.
	"pkg/tuf": {"pkg/sigstore", "pkg/upload", "pkg/dist", "pkg/mint", "pkg/oidc", "internal/ui", "internal/fakeindex", "internal/sigstoretest", "github.com/urfave/cli/v3", "github.com/sigstore", "github.com/theupdateframework"},
	// Test support for pkg/sigstore: conversions between attestations and
	// Sigstore bundles, on pkg/sigstore's types only (the fake Fulcio and
	// Rekor are internal/fakesigstore's). Only tests import it.
	"internal/sigstoretest": {"pkg/upload", "pkg/dist", "pkg/mint", "pkg/oidc", "internal/fakeindex", "internal/fakesigstore", "github.com/urfave/cli/v3", "github.com/sigstore"},
	// The GitHub Action's and GitLab component's tests: they run the shell
	// scripts in action/ and templates/, and lean on no part of pyupload.
	"action":       {"pkg/dist", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/fakeindex", "github.com/urfave/cli/v3"},
	"cmd/pyupload": {"internal/fakeindex", "internal/fakeci", "internal/fakesecrets", "internal/sigstoretest", "github.com/sigstore"},

	// The wheels that carry pyupload are built outside the pipeline: the
	// writer reads versions with pkg/dist and knows nothing of uploading;
	// only cmd/mkwheel runs go build.
	"internal/wheel": {"net/http", "os/exec", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/preflight", "internal/credentials", "internal/trusted", "internal/ui", "internal/fakeindex", "github.com/urfave/cli/v3"},
	"cmd/mkwheel":    {"net/http", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/preflight", "internal/credentials", "internal/trusted", "internal/ui", "internal/fakeindex", "github.com/urfave/cli/v3"},
	// Release tooling builds the binary with the go command and packs it;
	// it stands apart from the pipeline and links none of it.
	"internal/release": {"net/http", "pkg/dist", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/ui", "internal/fakeindex", "github.com/urfave/cli/v3"},
	"cmd/release":      {"net/http", "pkg/dist", "pkg/upload", "pkg/oidc", "pkg/mint", "internal/ui", "internal/fakeindex", "github.com/urfave/cli/v3"},
	// The benchmark measures the built binaries from outside, as a user
	// runs them: it links none of the pipeline.
	"cmd/bench": {"pkg/upload", "pkg/dist", "pkg/oidc", "pkg/mint", "internal/fakeindex", "internal/transport", "internal/preflight", "internal/credentials", "internal/trusted", "internal/ui", "github.com/urfave/cli/v3"},
}

// qualified names a dependency as go list does.
func qualified(dep string) string {
	if strings.HasPrefix(dep, "pkg/") || strings.HasPrefix(dep, "internal/") || strings.HasPrefix(dep, "cmd/") {
		return module + dep
	}
	return dep
}

// bannedDep finds banned in deps. A banned path outside the standard
// library (its first element has a dot) also bans every package below it,
// so "github.com/sigstore" bans all of Sigstore's modules; a standard
// library path bans that one package.
func bannedDep(deps map[string]bool, banned string) (string, bool) {
	if deps[banned] {
		return banned, true
	}
	first, _, _ := strings.Cut(banned, "/")
	if !strings.Contains(first, ".") || strings.HasPrefix(banned, module) {
		return "", false
	}
	for d := range deps {
		if strings.HasPrefix(d, banned+"/") {
			return d, true
		}
	}
	return "", false
}

func TestDependencyGraph(t *testing.T) {
	t.Parallel()
	list, err := exec.CommandContext(t.Context(), "go", "list", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for pkg := range strings.FieldsSeq(string(list)) {
		banned, ok := forbiddenDeps[strings.TrimPrefix(pkg, module)]
		if !ok {
			t.Errorf("package %s has no rule in forbiddenDeps; add one (and place it in docs/architecture.md)", pkg)
			continue
		}
		out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		deps := map[string]bool{}
		for d := range strings.FieldsSeq(string(out)) {
			deps[d] = true
		}
		for _, b := range banned {
			if dep, ok := bannedDep(deps, qualified(b)); ok {
				t.Errorf("%s depends on %s, which the architecture forbids", pkg, dep)
			}
		}
	}
}
