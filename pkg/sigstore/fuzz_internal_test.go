package sigstore

import (
	"crypto/x509"
	"errors"
	"os"
	"testing"
)

// FuzzServiceAnswers: Fulcio's and Rekor's answers never panic the
// parsers, and a failure is ErrMalformed.
func FuzzServiceAnswers(f *testing.F) {
	f.Add([]byte(`{"signedCertificateEmbeddedSct":{"chain":{"certificates":["-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"]}}}`))
	f.Add([]byte(`{"u":{"body":"eyJraW5kIjoiZHNzZSIsImFwaVZlcnNpb24iOiIwLjAuMSJ9","integratedTime":1,"logID":"c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d","logIndex":1,"verification":{"inclusionProof":{"checkpoint":"x","hashes":["00"],"logIndex":1,"rootHash":"00","treeSize":2},"signedEntryTimestamp":"AA=="}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := parseFulcioAnswer(data); err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("parseFulcioAnswer error %v", err)
		}
		if _, err := parseRekorAnswer(data); err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("parseRekorAnswer error %v", err)
		}
	})
}

// FuzzCheckpoint: signed notes and audit paths never panic the checks.
func FuzzCheckpoint(f *testing.F) {
	f.Add("rekor.sigstore.dev - 1\n2\nAAAA\n\n— rekor.sigstore.dev wNI9aAAA\n", int64(1), int64(2), []byte{1, 2})
	root, err := ProductionRoot()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, note string, index, size int64, hash []byte) {
		p := &InclusionProof{LogIndex: index, TreeSize: size, RootHash: hash, Hashes: [][]byte{hash}, Checkpoint: Checkpoint{Envelope: note}}
		_ = verifyCheckpoint(p, &root.TLogs[0])
		_ = verifyInclusion(index, size, hash, p.Hashes, hash)
	})
}

// FuzzPrecertTBS: certificates' TBS, mangled, never panic the rebuild,
// and an intact one without SCTs comes back unchanged.
func FuzzPrecertTBS(f *testing.F) {
	data, err := os.ReadFile("trusted_root.json")
	if err != nil {
		f.Fatal(err)
	}
	root, err := ParseTrustedRoot(data)
	if err != nil {
		f.Fatal(err)
	}
	for _, ca := range root.CAs {
		f.Add(ca.Chain[0].RawTBSCertificate)
	}
	f.Fuzz(func(t *testing.T, tbs []byte) {
		out, err := precertTBS(tbs)
		if err != nil {
			return
		}
		if cert, perr := x509.ParseCertificate(wrapTBS(tbs)); perr == nil && !hasSCT(cert) && string(out) != string(tbs) {
			t.Fatalf("precertTBS changed a TBS without SCTs")
		}
	})
}

func hasSCT(c *x509.Certificate) bool {
	for _, e := range c.Extensions {
		if e.Id.Equal(oidSCTList) {
			return true
		}
	}
	return false
}

// wrapTBS makes a certificate of a TBS with an empty signature, enough
// for x509.ParseCertificate to read its extensions.
func wrapTBS(tbs []byte) []byte {
	alg := []byte{0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02}
	sig := []byte{0x03, 0x01, 0x00}
	body := append(append(append([]byte{}, tbs...), alg...), sig...)
	return append(derLen(0x30, len(body)), body...)
}

func derLen(tag byte, n int) []byte {
	switch {
	case n < 0x80:
		return []byte{tag, byte(n)}
	case n < 0x100:
		return []byte{tag, 0x81, byte(n)}
	default:
		return []byte{tag, 0x82, byte(n >> 8), byte(n)}
	}
}
