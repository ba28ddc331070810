package sigstore

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Rekor is a client of a Rekor v1 log. The zero value of its tuning fields
// is usable: 30 s per try, 4 tries, exponential backoff.
type Rekor struct {
	HTTP     *http.Client
	Base     *url.URL // e.g. https://rekor.sigstore.dev
	Timeout  time.Duration
	Attempts int
	Backoff  func(attempt int) time.Duration
}

// LogDSSE logs a DSSE envelope signed by certPEM's key as a dsse 0.0.1
// entry (POST /api/v1/log/entries) and returns the entry as PyPI's
// attestation carries it.
func (r *Rekor) LogDSSE(ctx context.Context, env *Envelope, certPEM []byte) (*TransparencyLogEntry, error) {
	envJSON, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("encoding the envelope: %w", err)
	}
	var req rekorRequest
	req.APIVersion, req.Kind = "0.0.1", "dsse"
	req.Spec.ProposedContent.Envelope = string(envJSON)
	req.Spec.ProposedContent.Verifiers = [][]byte{certPEM}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	c := caller{HTTP: r.HTTP, Timeout: r.Timeout, Attempts: r.Attempts, Backoff: r.Backoff}
	answer, err := c.post(ctx, "Rekor", "logging the signature in Rekor", r.Base.JoinPath("api", "v1", "log", "entries"), body, http.StatusCreated, "")
	if se, ok := errors.AsType[*ServiceError](err); ok && se.StatusCode == http.StatusConflict && se.Location != "" {
		// A try that timed out or failed with 5xx may have logged the
		// entry after all: the retry then meets it. Fetch it.
		answer, err = r.existing(ctx, &c, se.Location)
	}
	if err != nil {
		return nil, err
	}
	entry, err := parseRekorAnswer(answer)
	if err != nil {
		return nil, fmt.Errorf("reading Rekor's entry: %w", err)
	}
	return entry, nil
}

// existing fetches the entry a 409 answer names, on Rekor's own host.
func (r *Rekor) existing(ctx context.Context, c *caller, location string) ([]byte, error) {
	loc, err := r.Base.Parse(location)
	entries := "/" + strings.TrimPrefix(r.Base.JoinPath("api", "v1", "log", "entries").Path, "/") + "/"
	if err != nil || loc.Host != r.Base.Host || loc.Scheme != r.Base.Scheme || !strings.HasPrefix(loc.Path, entries) {
		return nil, fmt.Errorf("logging the signature in Rekor: %w: it answered 409 naming %q as the existing entry", ErrMalformed, location)
	}
	return c.post(ctx, "Rekor", "fetching the existing Rekor entry", loc, nil, http.StatusOK, "")
}

type rekorRequest struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		ProposedContent struct {
			Envelope  string   `json:"envelope"`
			Verifiers [][]byte `json:"verifiers"`
		} `json:"proposedContent"`
	} `json:"spec"`
}

type rekorEntry struct {
	Body           []byte `json:"body"`
	IntegratedTime *int64 `json:"integratedTime"`
	LogID          string `json:"logID"`
	LogIndex       *int64 `json:"logIndex"`
	Verification   *struct {
		InclusionProof *struct {
			Checkpoint string   `json:"checkpoint"`
			Hashes     []string `json:"hashes"`
			LogIndex   int64    `json:"logIndex"`
			RootHash   string   `json:"rootHash"`
			TreeSize   int64    `json:"treeSize"`
		} `json:"inclusionProof"`
		SignedEntryTimestamp []byte `json:"signedEntryTimestamp"`
	} `json:"verification"`
}

// parseRekorAnswer converts Rekor v1's answer ({uuid: entry}) into a
// TransparencyLogEntry (hex IDs and hashes become bytes). The kind and
// version are read from the logged body.
func parseRekorAnswer(data []byte) (*TransparencyLogEntry, error) {
	var answer map[string]rekorEntry
	if err := json.Unmarshal(data, &answer); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if len(answer) != 1 {
		return nil, fmt.Errorf("%w: %d entries, want one", ErrMalformed, len(answer))
	}
	var e rekorEntry
	for _, v := range answer {
		e = v
	}
	if e.IntegratedTime == nil || e.LogIndex == nil || len(e.Body) == 0 || e.Verification == nil || e.Verification.InclusionProof == nil || len(e.Verification.SignedEntryTimestamp) == 0 {
		return nil, fmt.Errorf("%w: the entry lacks a body, time, index, signed entry timestamp or inclusion proof", ErrMalformed)
	}
	logID, err := hex.DecodeString(e.LogID)
	if err != nil || len(logID) != 32 {
		return nil, fmt.Errorf("%w: log ID %q is not a hex SHA-256", ErrMalformed, e.LogID)
	}
	var kv KindVersion
	if err := json.Unmarshal(e.Body, &struct {
		Kind       *string `json:"kind"`
		APIVersion *string `json:"apiVersion"`
	}{&kv.Kind, &kv.Version}); err != nil {
		return nil, fmt.Errorf("%w: the body: %w", ErrMalformed, err)
	}
	ip := e.Verification.InclusionProof
	proof := &InclusionProof{LogIndex: ip.LogIndex, TreeSize: ip.TreeSize, Checkpoint: Checkpoint{Envelope: ip.Checkpoint}}
	if proof.RootHash, err = hex.DecodeString(ip.RootHash); err != nil {
		return nil, fmt.Errorf("%w: root hash: %w", ErrMalformed, err)
	}
	for _, h := range ip.Hashes {
		b, err := hex.DecodeString(h)
		if err != nil {
			return nil, fmt.Errorf("%w: proof hash: %w", ErrMalformed, err)
		}
		proof.Hashes = append(proof.Hashes, b)
	}
	return &TransparencyLogEntry{
		LogIndex:          *e.LogIndex,
		LogID:             LogID{KeyID: logID},
		KindVersion:       kv,
		IntegratedTime:    *e.IntegratedTime,
		InclusionPromise:  &InclusionPromise{SignedEntryTimestamp: e.Verification.SignedEntryTimestamp},
		InclusionProof:    proof,
		CanonicalizedBody: e.Body,
	}, nil
}
