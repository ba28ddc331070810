package fakesigstore

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// entry is one logged entry.
type entry struct {
	uuid           string // tree ID and leaf hash, 80 hex digits, as Rekor names entries
	index          int
	body           []byte // the canonicalized body
	integratedTime int64
	set            []byte // signed entry timestamp
}

// ProposedEntry is Rekor's request body for a dsse 0.0.1 entry.
type ProposedEntry struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Spec       struct {
		ProposedContent *struct {
			Envelope  string   `json:"envelope"`
			Verifiers [][]byte `json:"verifiers"` // base64 in JSON: PEM certificates or keys
		} `json:"proposedContent"`
	} `json:"spec"`
}

// envelope is a DSSE envelope in its JSON form.
type envelope struct {
	PayloadType string `json:"payloadType"`
	Payload     string `json:"payload"`
	Signatures  []struct {
		KeyID string `json:"keyid"`
		Sig   string `json:"sig"`
	} `json:"signatures"`
}

// PAE is DSSE's pre-authentication encoding of a payload.
func PAE(payloadType string, payload []byte) []byte {
	return fmt.Appendf(nil, "DSSEv1 %d %s %d %s", len(payloadType), payloadType, len(payload), payload)
}

// CanonicalBody checks a proposed dsse 0.0.1 entry and returns the body
// Rekor logs for it: the envelope's and the payload's SHA-256 and each
// signature with the verifier (PEM) it verifies under, in canonical JSON.
// Every signature must verify under one of the verifiers.
func CanonicalBody(reqBody []byte) ([]byte, error) {
	var pe ProposedEntry
	if err := json.Unmarshal(reqBody, &pe); err != nil {
		return nil, fmt.Errorf("unmarshalling the proposed entry: %w", err)
	}
	if pe.Kind != "dsse" || pe.APIVersion != "0.0.1" {
		return nil, fmt.Errorf("unsupported entry kind %q version %q (only dsse 0.0.1)", pe.Kind, pe.APIVersion)
	}
	pc := pe.Spec.ProposedContent
	if pc == nil || pc.Envelope == "" || len(pc.Verifiers) == 0 {
		return nil, errors.New("proposedContent needs an envelope and verifiers")
	}
	var env envelope
	if err := json.Unmarshal([]byte(pc.Envelope), &env); err != nil {
		return nil, fmt.Errorf("unmarshalling the envelope: %w", err)
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil || len(env.Signatures) == 0 {
		return nil, errors.New("the envelope needs a base64 payload and a signature")
	}
	sigs, err := verifySignatures(&env, payload, pc.Verifiers)
	if err != nil {
		return nil, err
	}
	envHash := sha256.Sum256([]byte(pc.Envelope))
	payloadHash := sha256.Sum256(payload)
	return marshalJSON(map[string]any{
		"apiVersion": "0.0.1",
		"kind":       "dsse",
		"spec": map[string]any{
			"envelopeHash": map[string]string{"algorithm": "sha256", "value": hex.EncodeToString(envHash[:])},
			"payloadHash":  map[string]string{"algorithm": "sha256", "value": hex.EncodeToString(payloadHash[:])},
			"signatures":   sigs,
		},
	})
}

// verifySignatures pairs every signature with a verifier it verifies
// under, sorted by signature as Rekor sorts them.
func verifySignatures(env *envelope, payload []byte, verifiers [][]byte) ([]map[string]string, error) {
	digest := sha256.Sum256(PAE(env.PayloadType, payload))
	var out []map[string]string
	for _, sig := range env.Signatures {
		raw, err := base64.StdEncoding.DecodeString(sig.Sig)
		if err != nil {
			return nil, errors.New("a signature is not base64")
		}
		found := ""
		for _, v := range verifiers {
			canon, pub, err := parseVerifier(v)
			if err == nil && ecdsa.VerifyASN1(pub, digest[:], raw) {
				found = canon
				break
			}
		}
		if found == "" {
			return nil, errors.New("could not verify envelope: no verifier matches a signature")
		}
		out = append(out, map[string]string{"signature": sig.Sig, "verifier": base64.StdEncoding.EncodeToString([]byte(found))})
	}
	for i := 1; i < len(out); i++ { // insertion sort: a handful of signatures
		for j := i; j > 0 && out[j]["signature"] < out[j-1]["signature"]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

// parseVerifier reads a PEM certificate or public key and returns its
// canonical PEM and ECDSA key.
func parseVerifier(v []byte) (string, *ecdsa.PublicKey, error) {
	block, _ := pem.Decode(v)
	if block == nil {
		return "", nil, errors.New("not PEM")
	}
	var key any
	switch block.Type {
	case "CERTIFICATE":
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return "", nil, err
		}
		key = c.PublicKey
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return "", nil, err
		}
		key = k
	default:
		return "", nil, errors.New("unknown PEM type")
	}
	ec, ok := key.(*ecdsa.PublicKey)
	if !ok {
		return "", nil, errors.New("not an ECDSA key")
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: block.Bytes})), ec, nil
}

// createEntry is POST /api/v1/log/entries.
func (s *Sigstore) createEntry(w http.ResponseWriter, r *http.Request) {
	reqBody, err := io.ReadAll(io.LimitReader(r.Body, maxRequest+1))
	if err != nil {
		return
	}
	if len(reqBody) > maxRequest {
		writeError(w, http.StatusRequestEntityTooLarge, "the entry is too large")
		return
	}
	body, err := CanonicalBody(reqBody)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	e, created, err := s.appendEntry(body)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Location", "/api/v1/log/entries/"+e.uuid)
	if !created {
		writeError(w, http.StatusConflict, "An equivalent entry already exists in the transparency log with UUID "+e.uuid)
		return
	}
	w.Header().Set("ETag", e.uuid)
	s.writeEntry(w, http.StatusCreated, e)
}

// appendEntry logs body, or returns the entry already holding it.
func (s *Sigstore) appendEntry(body []byte) (*entry, bool, error) {
	leaf := leafHash(body)
	key := hex.EncodeToString(leaf[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.entries[key]; e != nil {
		return e, false, nil
	}
	e := &entry{
		uuid:           fmt.Sprintf("%016x", s.treeID) + key,
		index:          len(s.leaves),
		body:           body,
		integratedTime: s.now().Unix(),
	}
	set, err := s.signPayload(map[string]any{
		"body":           base64.StdEncoding.EncodeToString(body),
		"integratedTime": e.integratedTime,
		"logID":          hex.EncodeToString(s.logID[:]),
		"logIndex":       e.index,
	})
	if err != nil {
		return nil, false, err
	}
	e.set = set
	s.leaves = append(s.leaves, leaf)
	s.entries[key] = e
	return e, true, nil
}

// signPayload signs the canonical JSON of v with the log's key.
func (s *Sigstore) signPayload(v any) ([]byte, error) {
	b, err := marshalJSON(v)
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256(b)
	return ecdsa.SignASN1(rand.Reader, s.logKey, digest[:])
}

// getEntry is GET /api/v1/log/entries/{uuid}: by the 80-digit entry ID
// or the 64-digit leaf hash.
func (s *Sigstore) getEntry(w http.ResponseWriter, r *http.Request) {
	id := strings.ToLower(r.PathValue("uuid"))
	if len(id) == 80 {
		id = id[16:]
	}
	s.mu.Lock()
	e := s.entries[id]
	s.mu.Unlock()
	if e == nil {
		writeError(w, http.StatusNotFound, "entry not found")
		return
	}
	s.writeEntry(w, http.StatusOK, e)
}

// writeEntry answers {uuid: LogEntryAnon} with a proof against the
// current tree.
func (s *Sigstore) writeEntry(w http.ResponseWriter, status int, e *entry) {
	s.mu.Lock()
	leaves := slices.Clip(s.leaves)
	s.mu.Unlock()
	root := rootHash(leaves)
	proof := inclusionProof(e.index, leaves)
	hashes := make([]string, len(proof))
	for i, p := range proof {
		hashes[i] = hex.EncodeToString(p[:])
	}
	checkpoint, err := s.checkpoint(len(leaves), root)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, status, map[string]any{e.uuid: map[string]any{
		"body":           base64.StdEncoding.EncodeToString(e.body),
		"integratedTime": e.integratedTime,
		"logID":          hex.EncodeToString(s.logID[:]),
		"logIndex":       e.index,
		"verification": map[string]any{
			"signedEntryTimestamp": base64.StdEncoding.EncodeToString(e.set),
			"inclusionProof": map[string]any{
				"logIndex": e.index, "treeSize": len(leaves), "rootHash": hex.EncodeToString(root[:]),
				"hashes": hashes, "checkpoint": checkpoint,
			},
		},
	}})
}

// checkpoint is the signed note of a tree head: origin, size and base64
// root, a blank line, then "— <name> <base64(key hint, signature)>".
func (s *Sigstore) checkpoint(size int, root [32]byte) (string, error) {
	text := fmt.Sprintf("%s - %d\n%d\n%s\n", s.host, s.treeID, size, base64.StdEncoding.EncodeToString(root[:]))
	digest := sha256.Sum256([]byte(text))
	sig, err := ecdsa.SignASN1(rand.Reader, s.logKey, digest[:])
	if err != nil {
		return "", err
	}
	hint := putUint32(binary.BigEndian.Uint32(s.logID[:4]))
	return text + "\n\u2014 " + s.host + " " + base64.StdEncoding.EncodeToString(append(hint, sig...)) + "\n", nil
}

// logInfo is GET /api/v1/log.
func (s *Sigstore) logInfo(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	leaves := slices.Clip(s.leaves)
	s.mu.Unlock()
	root := rootHash(leaves)
	checkpoint, err := s.checkpoint(len(leaves), root)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"rootHash": hex.EncodeToString(root[:]), "treeSize": len(leaves),
		"signedTreeHead": checkpoint, "treeID": strconv.FormatInt(s.treeID, 10),
	})
}
