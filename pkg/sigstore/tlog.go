package sigstore

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"strconv"
	"strings"
	"time"
)

// verifyWith verifies sig over msg with pub: ECDSA with the curve's hash
// (SHA-256 for P-256), Ed25519, or RSA PKCS #1 v1.5 with SHA-256.
func verifyWith(pub crypto.PublicKey, msg, sig []byte) bool {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		var digest []byte
		switch k.Curve {
		case elliptic.P384():
			d := sha512.Sum384(msg)
			digest = d[:]
		case elliptic.P521():
			d := sha512.Sum512(msg)
			digest = d[:]
		default:
			d := sha256.Sum256(msg)
			digest = d[:]
		}
		return ecdsa.VerifyASN1(k, digest, sig)
	case ed25519.PublicKey:
		return ed25519.Verify(k, msg, sig)
	case *rsa.PublicKey:
		d := sha256.Sum256(msg)
		return rsa.VerifyPKCS1v15(k, crypto.SHA256, d[:], sig) == nil
	}
	return false
}

// verifyEntry checks a Rekor v1 entry: its log is in root and was valid at
// the integrated time, its signed entry timestamp, and its inclusion proof
// (the checkpoint is checked apart, by verifyCheckpoint).
func verifyEntry(e *TransparencyLogEntry, root *TrustedRoot) error {
	log := findLog(root.TLogs, e.LogID.KeyID)
	if log == nil {
		return failf(CheckLogEntry, nil, "log %x is not in the trusted root", e.LogID.KeyID)
	}
	when := time.Unix(e.IntegratedTime, 0)
	if !validAt(log.Start, log.End, when) {
		return failf(CheckLogEntry, nil, "the log's key was not valid at the integrated time %s", when.UTC().Format(time.RFC3339))
	}
	if e.InclusionPromise == nil || len(e.InclusionPromise.SignedEntryTimestamp) == 0 {
		return failf(CheckLogEntry, nil, "no signed entry timestamp")
	}
	set, err := json.Marshal(struct {
		Body           string `json:"body"`
		IntegratedTime int64  `json:"integratedTime"`
		LogID          string `json:"logID"`
		LogIndex       int64  `json:"logIndex"`
	}{base64.StdEncoding.EncodeToString(e.CanonicalizedBody), e.IntegratedTime, hex.EncodeToString(e.LogID.KeyID), e.LogIndex})
	if err != nil {
		return failf(CheckLogEntry, err, "encoding the signed entry timestamp's payload")
	}
	if !verifyWith(log.Key, set, e.InclusionPromise.SignedEntryTimestamp) {
		return failf(CheckLogEntry, nil, "the signed entry timestamp does not verify with the log's key")
	}
	p := e.InclusionProof
	if p == nil {
		return failf(CheckInclusionProof, nil, "no inclusion proof")
	}
	// Rekor v1 proves the entry's index within its shard, which is at most
	// the entry's global logIndex (equal on the first shard).
	if p.LogIndex > e.LogIndex {
		return failf(CheckInclusionProof, nil, "the proof is for index %d, the entry's is %d", p.LogIndex, e.LogIndex)
	}
	leaf := hashLeaf(e.CanonicalizedBody)
	return verifyInclusion(p.LogIndex, p.TreeSize, leaf, p.Hashes, p.RootHash)
}

func hashLeaf(data []byte) []byte {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(data)
	return h.Sum(nil)
}

func hashChildren(l, r []byte) []byte {
	h := sha256.New()
	h.Write([]byte{1})
	h.Write(l)
	h.Write(r)
	return h.Sum(nil)
}

// verifyInclusion checks an RFC 9162 §2.1.3.2 audit path.
func verifyInclusion(index, size int64, leaf []byte, path [][]byte, root []byte) error {
	if index < 0 || size <= 0 || index >= size {
		return failf(CheckInclusionProof, nil, "index %d outside a tree of size %d", index, size)
	}
	fn, sn := uint64(index), uint64(size-1) // #nosec G115 -- both checked non-negative
	r := leaf
	for _, p := range path {
		if len(p) != sha256.Size {
			return failf(CheckInclusionProof, nil, "a path hash of %d bytes", len(p))
		}
		if sn == 0 {
			return failf(CheckInclusionProof, nil, "the path is longer than the tree is deep")
		}
		if fn&1 == 1 || fn == sn {
			r = hashChildren(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = hashChildren(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return failf(CheckInclusionProof, nil, "the path is shorter than the tree is deep")
	}
	if !bytes.Equal(r, root) {
		return failf(CheckInclusionProof, nil, "the path leads to root %x, the proof names %x", r, root)
	}
	return nil
}

// verifyCheckpoint checks the proof's signed note: a signature by the log's
// key (key hint: the log ID's first 4 bytes) over the note's text, which
// must commit to the proof's tree size and root hash.
func verifyCheckpoint(p *InclusionProof, log *Log) error {
	text, sigs, ok := strings.Cut(p.Checkpoint.Envelope, "\n\n")
	if !ok {
		return failf(CheckCheckpoint, nil, "not a signed note")
	}
	text += "\n"
	lines := strings.Split(text, "\n")
	if len(lines) < 4 {
		return failf(CheckCheckpoint, nil, "the note has %d lines, want origin, size and root hash", len(lines)-1)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size != p.TreeSize {
		return failf(CheckCheckpoint, nil, "the note's tree size %q is not the proof's %d", lines[1], p.TreeSize)
	}
	rootHash, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || !bytes.Equal(rootHash, p.RootHash) {
		return failf(CheckCheckpoint, nil, "the note's root hash is not the proof's")
	}
	for line := range strings.SplitSeq(sigs, "\n") {
		rest, ok := strings.CutPrefix(line, "— ")
		if !ok {
			continue
		}
		_, b64, ok := strings.Cut(rest, " ")
		raw, err := base64.StdEncoding.DecodeString(b64)
		if !ok || err != nil || len(raw) < 5 || len(log.ID) < 4 || !bytes.Equal(raw[:4], log.ID[:4]) {
			continue
		}
		if verifyWith(log.Key, []byte(text), raw[4:]) {
			return nil
		}
		return failf(CheckCheckpoint, nil, "the note's signature does not verify with the log's key")
	}
	return failf(CheckCheckpoint, nil, "the note has no signature by the log")
}

type hashJSON struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"value"`
}

type bodyJSON struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		// dsse 0.0.1
		PayloadHash *hashJSON `json:"payloadHash"`
		Signatures  []struct {
			Signature []byte `json:"signature"`
			Verifier  []byte `json:"verifier"`
		} `json:"signatures"`
		// intoto 0.0.2
		Content *struct {
			Envelope struct {
				PayloadType string `json:"payloadType"`
				Signatures  []struct {
					Sig       []byte `json:"sig"`
					PublicKey []byte `json:"publicKey"`
				} `json:"signatures"`
			} `json:"envelope"`
			PayloadHash *hashJSON `json:"payloadHash"`
		} `json:"content"`
	} `json:"spec"`
}

// checkBody checks that the logged entry is this envelope signed by this
// certificate: a dsse 0.0.1 entry (what this package logs) or an intoto
// 0.0.2 one (what older clients logged), with the statement's sha256 and
// exactly this one signature and verifier.
func checkBody(e *TransparencyLogEntry, att *Attestation, cert *x509.Certificate) error {
	var b bodyJSON
	if err := json.Unmarshal(e.CanonicalizedBody, &b); err != nil {
		return failf(CheckLogBody, err, "unreadable body")
	}
	if b.Kind != e.KindVersion.Kind || b.APIVersion != e.KindVersion.Version {
		return failf(CheckLogBody, nil, "the body is %s %s, the entry says %s %s", b.Kind, b.APIVersion, e.KindVersion.Kind, e.KindVersion.Version)
	}
	var hash *hashJSON
	var sig, verifier []byte
	switch {
	case b.Kind == "dsse" && b.APIVersion == "0.0.1":
		if len(b.Spec.Signatures) != 1 {
			return failf(CheckLogBody, nil, "%d signatures logged, want one", len(b.Spec.Signatures))
		}
		hash, sig, verifier = b.Spec.PayloadHash, b.Spec.Signatures[0].Signature, b.Spec.Signatures[0].Verifier
	case b.Kind == "intoto" && b.APIVersion == "0.0.2" && b.Spec.Content != nil:
		c := b.Spec.Content
		if len(c.Envelope.Signatures) != 1 || c.Envelope.PayloadType != PayloadType {
			return failf(CheckLogBody, nil, "%d signatures of type %q logged, want one in-toto", len(c.Envelope.Signatures), c.Envelope.PayloadType)
		}
		hash = c.PayloadHash
		// intoto 0.0.2 logs the signature base64-encoded twice.
		var err error
		if sig, err = base64.StdEncoding.DecodeString(string(c.Envelope.Signatures[0].Sig)); err != nil {
			return failf(CheckLogBody, err, "the logged signature is not base64")
		}
		verifier = c.Envelope.Signatures[0].PublicKey
	default:
		return failf(CheckLogBody, nil, "unsupported entry kind %s %s", b.Kind, b.APIVersion)
	}
	sum := sha256.Sum256(att.Envelope.Statement)
	if hash == nil || hash.Algorithm != "sha256" || hash.Value != hex.EncodeToString(sum[:]) {
		return failf(CheckLogBody, nil, "the logged payload hash is not the statement's")
	}
	if !bytes.Equal(sig, att.Envelope.Signature) {
		return failf(CheckLogBody, nil, "the logged signature is not the envelope's")
	}
	blk, _ := pem.Decode(verifier)
	if blk == nil || !bytes.Equal(blk.Bytes, cert.Raw) {
		return failf(CheckLogBody, nil, "the logged verifier is not the attestation's certificate")
	}
	return nil
}
