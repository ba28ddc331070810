package sigstore_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/pyupload/pyupload/pkg/sigstore"
)

const seedAttestation = `{"version":1,"verification_material":{"certificate":"AA==","transparency_entries":[{"logIndex":"1","logId":{"keyId":"AA=="},"kindVersion":{"kind":"dsse","version":"0.0.1"},"integratedTime":"1","inclusionPromise":{"signedEntryTimestamp":"AA=="},"inclusionProof":{"logIndex":"1","rootHash":"AA==","treeSize":"2","hashes":["AA=="],"checkpoint":{"envelope":"o - 1\n2\nAA==\n\n— o AAAAAAA=\n"}},"canonicalizedBody":"e30="}]},"envelope":{"statement":"e30=","signature":"AA=="}}`

// FuzzParseAttestation: no panic; a failure is ErrMalformed; a success
// survives Marshal and Verify without panicking.
func FuzzParseAttestation(f *testing.F) {
	f.Add([]byte(seedAttestation))
	f.Add([]byte(`{}`))
	root, err := sigstore.ProductionRoot()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		att, err := sigstore.ParseAttestation(data)
		if err != nil {
			if !errors.Is(err, sigstore.ErrMalformed) {
				t.Fatalf("ParseAttestation error %v is not ErrMalformed", err)
			}
			return
		}
		if _, err := att.Marshal(); err != nil {
			t.Fatalf("Marshal = %v", err)
		}
		_, err = sigstore.Verify(att, root, "a-1.tar.gz", [32]byte{}, sigstore.GitHub{Repository: "o/r"})
		if _, ok := errors.AsType[*sigstore.VerificationError](err); !ok {
			t.Fatalf("Verify(fuzzed) = %v, want a *VerificationError", err)
		}
	})
}

// FuzzParseProvenance: no panic; a failure is ErrMalformed.
func FuzzParseProvenance(f *testing.F) {
	f.Add([]byte(`{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitHub","repository":"o/r","workflow":"w.yml","environment":null},"attestations":[` + seedAttestation + `]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := sigstore.ParseProvenance(data); err != nil && !errors.Is(err, sigstore.ErrMalformed) {
			t.Fatalf("ParseProvenance error %v is not ErrMalformed", err)
		}
	})
}

// FuzzParseTrustedRoot: no panic; a failure is ErrMalformed.
func FuzzParseTrustedRoot(f *testing.F) {
	shipped, err := os.ReadFile("trusted_root.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(shipped)
	f.Add([]byte(`{"tlogs":[{"publicKey":{"rawBytes":"AA=="}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := sigstore.ParseTrustedRoot(data); err != nil && !errors.Is(err, sigstore.ErrMalformed) {
			t.Fatalf("ParseTrustedRoot error %v is not ErrMalformed", err)
		}
	})
}

// FuzzParseSigningConfig: no panic; a failure is ErrMalformed or
// ErrNoService.
func FuzzParseSigningConfig(f *testing.F) {
	f.Add([]byte(`{"caUrls":[{"url":"https://f.example","majorApiVersion":1,"validFor":{"start":"2022-01-01T00:00:00Z"}}],"rekorTlogUrls":[{"url":"https://r.example","majorApiVersion":1,"validFor":{"start":"2021-01-01T00:00:00Z"}}]}`))
	f.Add([]byte(`{"caUrl":"https://f.example","tlogUrls":["https://r.example"]}`))
	root, err := sigstore.ProductionRoot()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := sigstore.ParseSigningConfig(data)
		if err != nil {
			if !errors.Is(err, sigstore.ErrMalformed) {
				t.Fatalf("ParseSigningConfig error %v is not ErrMalformed", err)
			}
			return
		}
		if _, err := sigstore.NewInstance(root, cfg, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)); err != nil && !errors.Is(err, sigstore.ErrMalformed) && !errors.Is(err, sigstore.ErrNoService) {
			t.Fatalf("NewInstance error %v", err)
		}
	})
}

// FuzzSameDistribution: no panic, reflexive and symmetric.
func FuzzSameDistribution(f *testing.F) {
	f.Add("foo-1.0-py2.py3-none-any.whl", "Foo-1.0.0-py3.py2-none-any.whl")
	f.Add("foo_bar-1.0.tar.gz", "foo-bar-1.0.tar.gz")
	f.Fuzz(func(t *testing.T, a, b string) {
		if !sigstore.SameDistribution(a, a) {
			t.Fatalf("SameDistribution(%q, itself) = false", a)
		}
		if sigstore.SameDistribution(a, b) != sigstore.SameDistribution(b, a) {
			t.Fatalf("SameDistribution(%q, %q) is not symmetric", a, b)
		}
	})
}
