package main

import (
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

// Files -sigstore-dir writes, in Sigstore's own formats.
const (
	trustedRootFile   = "trusted_root.json"
	signingConfigFile = "signing_config.json"
)

// sigstoreFlags point clients at the index's fake Sigstore.
type sigstoreFlags struct {
	dir                   string // -sigstore-dir
	failFulcio, failRekor int
	noChecks              bool // -no-attestation-checks
}

func (s *sigstoreFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.dir, "sigstore-dir", "", "write the fake Sigstore's "+trustedRootFile+" and "+signingConfigFile+" (Fulcio at "+fakeindex.FulcioPath+", Rekor v1 at "+fakeindex.RekorPath+") into `dir` once listening")
	fs.BoolVar(&s.noChecks, "no-attestation-checks", false, "ignore the attestations field of Trusted Publishing uploads, as PyPI does with PEP 740 disabled")
	fs.IntVar(&s.failFulcio, "fail-fulcio", 0, "answer the first `N` requests to the fake Fulcio with 503 (-1: all of them)")
	fs.IntVar(&s.failRekor, "fail-rekor", 0, "answer the first `N` requests to the fake Rekor with 503 (-1: all of them)")
}

func (s *sigstoreFlags) check() error {
	if s.failFulcio < -1 || s.failRekor < -1 {
		return &usageError{"-fail-fulcio and -fail-rekor take a count, or -1 for always"}
	}
	return nil
}

// options are the index options of these flags.
func (s *sigstoreFlags) options() []fakeindex.Option {
	if s.noChecks {
		return []fakeindex.Option{fakeindex.WithoutAttestationChecks()}
	}
	return nil
}

// apply sets the faults.
func (s *sigstoreFlags) apply(ix *fakeindex.Index) {
	if s.failFulcio != 0 {
		ix.Sigstore().FailFulcio(s.failFulcio, http.StatusServiceUnavailable)
	}
	if s.failRekor != 0 {
		ix.Sigstore().FailRekor(s.failRekor, http.StatusServiceUnavailable)
	}
}

// writeFiles writes the trusted root and the signing configuration for
// an index serving at base into the -sigstore-dir, creating it.
func (s *sigstoreFlags) writeFiles(ix *fakeindex.Index, base string) error {
	if s.dir == "" {
		return nil
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil { // #nosec G301 -- public trust material for scripts
		return err
	}
	sig := ix.Sigstore()
	if err := writeAtomically(filepath.Join(s.dir, trustedRootFile), string(sig.TrustedRootJSON())+"\n"); err != nil {
		return err
	}
	return writeAtomically(filepath.Join(s.dir, signingConfigFile), string(sig.SigningConfigJSON(base+fakeindex.FulcioPath, base+fakeindex.RekorPath))+"\n")
}

// lines are the stdout lines announcing the fake Sigstore.
func (s *sigstoreFlags) lines(base string) string {
	var b strings.Builder
	b.WriteString("fakeindex sigstore-fulcio-url " + base + fakeindex.FulcioPath + "\n")
	b.WriteString("fakeindex sigstore-rekor-url " + base + fakeindex.RekorPath + "\n")
	b.WriteString("fakeindex sigstore-trusted-root-url " + base + fakeindex.TrustedRootPath + "\n")
	b.WriteString("fakeindex sigstore-signing-config-url " + base + fakeindex.SigningConfigPath + "\n")
	if s.dir != "" {
		b.WriteString("fakeindex sigstore-trusted-root " + filepath.Join(s.dir, trustedRootFile) + "\n")
		b.WriteString("fakeindex sigstore-signing-config " + filepath.Join(s.dir, signingConfigFile) + "\n")
	}
	return b.String()
}
