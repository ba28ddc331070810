package sigstoretest

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"

	"github.com/pyupload/pyupload/pkg/sigstore"
)

func (s *Services) serveFulcio(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Credentials struct {
			OIDCIdentityToken string `json:"oidcIdentityToken"`
		} `json:"credentials"`
		PublicKeyRequest struct {
			PublicKey struct {
				Algorithm string `json:"algorithm"`
				Content   string `json:"content"`
			} `json:"publicKey"`
			ProofOfPossession []byte `json:"proofOfPossession"`
		} `json:"publicKeyRequest"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, "bad request: "+err.Error())
		return
	}
	c, err := claims(req.Credentials.OIDCIdentityToken)
	sub, _ := c["sub"].(string)
	if err != nil || sub == "" {
		fail(w, http.StatusUnauthorized, "the identity token is not a JWT with a subject")
		return
	}
	blk, _ := pem.Decode([]byte(req.PublicKeyRequest.PublicKey.Content))
	if blk == nil {
		fail(w, http.StatusBadRequest, "the public key is not PEM")
		return
	}
	pub, err := x509.ParsePKIXPublicKey(blk.Bytes)
	ec, ok := pub.(*ecdsa.PublicKey)
	// Fulcio's subject: a verified email when the token has one, else sub.
	subject := sub
	if email, _ := c["email"].(string); email != "" {
		subject = email
	}
	digest := sha256.Sum256([]byte(subject))
	if err != nil || !ok || !ecdsa.VerifyASN1(ec, digest[:], req.PublicKeyRequest.ProofOfPossession) {
		fail(w, http.StatusBadRequest, "the proof of possession does not verify")
		return
	}
	leaf, err := s.issue(c, ec)
	if err != nil {
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	var chain []string
	for _, der := range [][]byte{leaf, s.inter.Raw, s.root.Raw} {
		chain = append(chain, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"signedCertificateEmbeddedSct": map[string]any{"chain": map[string]any{"certificates": chain}}})
}

// identityOf turns the token's claims into a SAN and Sigstore extensions,
// as Fulcio does for GitHub, GitLab and email (Google) identities.
func identityOf(c map[string]any) (*url.URL, string, []asn1Ext) {
	str := func(k string) string { v, _ := c[k].(string); return v }
	iss := str("iss")
	exts := []asn1Ext{{8, iss}}
	switch iss {
	case sigstore.GitHubIssuer:
		u, _ := url.Parse("https://github.com/" + str("job_workflow_ref"))
		exts = append(exts, asn1Ext{12, "https://github.com/" + str("repository")}, asn1Ext{13, str("sha")},
			asn1Ext{14, str("ref")}, asn1Ext{18, "https://github.com/" + str("workflow_ref")}, asn1Ext{11, "github-hosted"})
		return u, "", exts
	case sigstore.GitLabIssuer:
		u, _ := url.Parse("https://" + str("ci_config_ref_uri"))
		// Fulcio's source ref: ref_path, else refs/heads/ or refs/tags/
		// and ref.
		ref := str("ref_path")
		if ref == "" && str("ref") != "" {
			ref = "refs/tags/" + str("ref")
			if str("ref_type") == "branch" {
				ref = "refs/heads/" + str("ref")
			}
		}
		exts = append(exts, asn1Ext{12, "https://gitlab.com/" + str("project_path")}, asn1Ext{13, str("sha")},
			asn1Ext{14, ref}, asn1Ext{18, "https://" + str("ci_config_ref_uri")})
		return u, "", exts
	}
	return nil, str("email"), exts
}

type asn1Ext struct {
	n     int
	value string
}

// issue makes a leaf for pub with the identity of claims c and an
// embedded SCT over its precertificate.
func (s *Services) issue(c map[string]any, pub *ecdsa.PublicKey) ([]byte, error) {
	uri, email, exts := identityOf(c)
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, err
	}
	now := s.now()
	tmpl := &x509.Certificate{
		SerialNumber: serial, NotBefore: now.Add(-time.Second), NotAfter: now.Add(10 * time.Minute),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	}
	if uri != nil {
		tmpl.URIs = []*url.URL{uri}
	} else {
		tmpl.EmailAddresses = []string{email}
	}
	for _, e := range exts {
		tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, sigstoreExt(e.n, e.value))
	}
	pre, err := create(tmpl, s.inter, pub, s.interK)
	if err != nil {
		return nil, err
	}
	sctList, err := s.sct(pre.RawTBSCertificate, now)
	if err != nil {
		return nil, err
	}
	tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, sctExtension(sctList))
	leaf, err := create(tmpl, s.inter, pub, s.interK)
	if err != nil {
		return nil, err
	}
	return leaf.Raw, nil
}

func sctExtension(list []byte) pkix.Extension {
	val, err := asn1.Marshal(list)
	if err != nil {
		panic(err)
	}
	return pkix.Extension{Id: oidSCTList, Value: val}
}

// sct signs an RFC 6962 SCT over the precertificate's TBS with the CT log
// key and returns the TLS-encoded SCT list holding it.
func (s *Services) sct(tbs []byte, now time.Time) ([]byte, error) {
	ts := uint64(now.UnixMilli()) // #nosec G115 -- a current time
	issuerHash := sha256.Sum256(s.inter.RawSubjectPublicKeyInfo)
	var signed cryptobyte.Builder
	signed.AddUint8(0)
	signed.AddUint8(0)
	signed.AddUint64(ts)
	signed.AddUint16(1)
	signed.AddBytes(issuerHash[:])
	signed.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(tbs) })
	signed.AddUint16(0)
	msg, err := signed.Bytes()
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256(msg)
	sig, err := ecdsa.SignASN1(rand.Reader, s.ctKey, digest[:])
	if err != nil {
		return nil, err
	}
	var list cryptobyte.Builder
	list.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			b.AddUint8(0)
			b.AddBytes(keyID(&s.ctKey.PublicKey))
			b.AddUint64(ts)
			b.AddUint16(0)
			b.AddUint8(4) // sha256
			b.AddUint8(3) // ecdsa
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(sig) })
		})
	})
	return list.Bytes()
}

type hashValue struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"value"`
}

// dsseBody is Rekor's canonical dsse 0.0.1 body (keys in sorted order).
type dsseBody struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		EnvelopeHash hashValue `json:"envelopeHash"`
		PayloadHash  hashValue `json:"payloadHash"`
		Signatures   []struct {
			Signature []byte `json:"signature"`
			Verifier  []byte `json:"verifier"`
		} `json:"signatures"`
	} `json:"spec"`
}

func (s *Services) serveRekor(w http.ResponseWriter, r *http.Request) {
	var req struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Spec       struct {
			ProposedContent struct {
				Envelope  string   `json:"envelope"`
				Verifiers [][]byte `json:"verifiers"`
			} `json:"proposedContent"`
		} `json:"spec"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil || req.Kind != "dsse" || req.APIVersion != "0.0.1" {
		fail(w, http.StatusBadRequest, fmt.Sprintf("want a dsse 0.0.1 entry (%v)", err))
		return
	}
	body, err := dsseEntry(req.Spec.ProposedContent.Envelope, req.Spec.ProposedContent.Verifiers)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	sum := sha256.Sum256(body)
	uuid := hex.EncodeToString(sum[:])
	entry, existed, err := s.append(uuid, body)
	if err != nil {
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	if existed {
		// As Rekor does: 409, naming the entry.
		w.Header().Set("Location", "/api/v1/log/entries/"+uuid)
		fail(w, http.StatusConflict, "an equivalent entry already exists in the transparency log with UUID "+uuid)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{uuid: entry})
}

// serveEntry answers GET /api/v1/log/entries/<uuid>.
func (s *Services) serveEntry(w http.ResponseWriter, r *http.Request) {
	uuid := strings.TrimPrefix(r.URL.Path, "/api/v1/log/entries/")
	s.mu.Lock()
	entry, ok := s.entries[uuid]
	s.mu.Unlock()
	if !ok {
		fail(w, http.StatusNotFound, "no such entry")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{uuid: entry})
}

// dsseEntry checks a proposed dsse entry as Rekor does (one verifier, a
// certificate whose key made the envelope's one signature) and returns
// its canonical body.
func dsseEntry(envJSON string, verifiers [][]byte) ([]byte, error) {
	var env sigstore.Envelope
	if err := json.Unmarshal([]byte(envJSON), &env); err != nil {
		return nil, fmt.Errorf("the envelope: %w", err)
	}
	if len(verifiers) != 1 || len(env.Signatures) != 1 {
		return nil, fmt.Errorf("%d verifiers and %d signatures, want one each", len(verifiers), len(env.Signatures))
	}
	blk, _ := pem.Decode(verifiers[0])
	if blk == nil {
		return nil, fmt.Errorf("the verifier is not PEM")
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, err
	}
	ec, ok := cert.PublicKey.(*ecdsa.PublicKey)
	digest := sha256.Sum256(sigstore.PAE(env.PayloadType, env.Payload))
	if !ok || !ecdsa.VerifyASN1(ec, digest[:], env.Signatures[0].Sig) {
		return nil, fmt.Errorf("the signature does not verify with the verifier")
	}
	var b dsseBody
	b.APIVersion, b.Kind = "0.0.1", "dsse"
	envHash, payloadHash := sha256.Sum256([]byte(envJSON)), sha256.Sum256(env.Payload)
	b.Spec.EnvelopeHash = hashValue{"sha256", hex.EncodeToString(envHash[:])}
	b.Spec.PayloadHash = hashValue{"sha256", hex.EncodeToString(payloadHash[:])}
	b.Spec.Signatures = append(b.Spec.Signatures, struct {
		Signature []byte `json:"signature"`
		Verifier  []byte `json:"verifier"`
	}{env.Signatures[0].Sig, verifiers[0]})
	return json.Marshal(b)
}

// append adds body to the log and returns Rekor v1's entry for it, or the
// entry it already has (existed).
func (s *Services) append(uuid string, body []byte) (entry map[string]any, existed bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[uuid]; ok {
		return e, true, nil
	}
	entry, err = s.appendLocked(body)
	if err != nil {
		return nil, false, err
	}
	if s.entries == nil {
		s.entries = map[string]map[string]any{}
	}
	s.entries[uuid] = entry
	return entry, false, nil
}

func (s *Services) appendLocked(body []byte) (map[string]any, error) {
	s.leaves = append(s.leaves, leafHash(body))
	index, size := len(s.leaves)-1, len(s.leaves)
	root := treeHash(s.leaves)
	var path []string
	for _, h := range auditPath(index, s.leaves) {
		path = append(path, hex.EncodeToString(h))
	}
	logID := hex.EncodeToString(s.RekorLogID())
	integrated := s.now().Unix()
	set, err := json.Marshal(struct {
		Body           []byte `json:"body"`
		IntegratedTime int64  `json:"integratedTime"`
		LogID          string `json:"logID"`
		LogIndex       int    `json:"logIndex"`
	}{body, integrated, logID, index})
	if err != nil {
		return nil, err
	}
	setSig, err := s.signRekor(set)
	if err != nil {
		return nil, err
	}
	checkpoint, err := s.checkpoint(size, root)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"body": body, "integratedTime": integrated, "logID": logID, "logIndex": index,
		"verification": map[string]any{
			"signedEntryTimestamp": setSig,
			"inclusionProof": map[string]any{
				"checkpoint": checkpoint, "hashes": path, "logIndex": index,
				"rootHash": hex.EncodeToString(root), "treeSize": size,
			},
		},
	}, nil
}

func (s *Services) signRekor(msg []byte) ([]byte, error) {
	digest := sha256.Sum256(msg)
	return ecdsa.SignASN1(rand.Reader, s.rekorKey, digest[:])
}

// checkpoint is a signed note committing to the tree, as Rekor v1 writes
// it (origin "<name> - <tree ID>").
func (s *Services) checkpoint(size int, root []byte) (string, error) {
	const name = "rekor.sigstoretest"
	text := name + " - 4242\n" + strconv.Itoa(size) + "\n" + base64.StdEncoding.EncodeToString(root) + "\n"
	sig, err := s.signRekor([]byte(text))
	if err != nil {
		return "", err
	}
	hint := s.RekorLogID()[:4]
	return text + "\n— " + name + " " + base64.StdEncoding.EncodeToString(append(hint[:4:4], sig...)) + "\n", nil
}

func leafHash(b []byte) []byte {
	h := sha256.Sum256(append([]byte{0}, b...))
	return h[:]
}

func nodeHash(l, r []byte) []byte {
	h := sha256.Sum256(append(append([]byte{1}, l...), r...))
	return h[:]
}

// split is the largest power of two below n (RFC 9162 §2.1.1).
func split(n int) int {
	k := 1
	for k<<1 < n {
		k <<= 1
	}
	return k
}

func treeHash(leaves [][]byte) []byte {
	if len(leaves) == 1 {
		return leaves[0]
	}
	k := split(len(leaves))
	return nodeHash(treeHash(leaves[:k]), treeHash(leaves[k:]))
}

func auditPath(m int, leaves [][]byte) [][]byte {
	if len(leaves) <= 1 {
		return nil
	}
	k := split(len(leaves))
	if m < k {
		return append(auditPath(m, leaves[:k]), treeHash(leaves[k:]))
	}
	return append(auditPath(m-k, leaves[k:]), treeHash(leaves[:k]))
}
