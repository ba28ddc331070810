package tuf

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The JSON shapes of TUF metadata, as far as the client reads them. Fields
// it does not read (custom fields, delegations) stay in the canonical form
// that signatures cover.
type signatureJSON struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

type envelopeJSON struct {
	Signed     json.RawMessage `json:"signed"`
	Signatures []signatureJSON `json:"signatures"`
}

type commonJSON struct {
	Type        string    `json:"_type"`
	SpecVersion string    `json:"spec_version"`
	Version     int64     `json:"version"`
	Expires     time.Time `json:"expires"`
}

func (c *commonJSON) header() *commonJSON { return c }

type keyJSON struct {
	KeyType string `json:"keytype"`
	Scheme  string `json:"scheme"`
	KeyVal  struct {
		Public string `json:"public"`
	} `json:"keyval"`
}

type roleJSON struct {
	KeyIDs    []string `json:"keyids"`
	Threshold int      `json:"threshold"`
}

type rootJSON struct {
	commonJSON
	ConsistentSnapshot bool                `json:"consistent_snapshot"`
	Keys               map[string]keyJSON  `json:"keys"`
	Roles              map[string]roleJSON `json:"roles"`
}

type metaFileJSON struct {
	Version int64             `json:"version"`
	Length  *int64            `json:"length"`
	Hashes  map[string]string `json:"hashes"`
}

// metaJSON is the signed part of timestamp and snapshot metadata.
type metaJSON struct {
	commonJSON
	Meta map[string]metaFileJSON `json:"meta"`
}

type targetFileJSON struct {
	Length *int64            `json:"length"`
	Hashes map[string]string `json:"hashes"`
}

type targetsJSON struct {
	commonJSON
	Targets map[string]targetFileJSON `json:"targets"`
}

type signedPart interface{ header() *commonJSON }

// envelope is what signatures are checked on: the canonical form of
// "signed" and the signatures.
type envelope struct {
	canonical []byte
	sigs      []signatureJSON
}

// parseMetadata reads a metadata file of role into signed, and returns its
// canonical signed bytes and signatures. Nothing is verified yet.
func parseMetadata(file, role string, data []byte, signed signedPart) (*envelope, error) {
	var env envelopeJSON
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, &FormatError{File: file, Reason: "not a JSON metadata file", Err: err}
	}
	if len(env.Signed) == 0 || bytes.Equal(env.Signed, []byte("null")) {
		return nil, &FormatError{File: file, Reason: `no "signed" object`}
	}
	canon, err := canonical(env.Signed)
	if err != nil {
		return nil, &FormatError{File: file, Reason: "the signed part has no canonical form", Err: err}
	}
	if err := json.Unmarshal(env.Signed, signed); err != nil {
		return nil, &FormatError{File: file, Reason: "reading the signed part", Err: err}
	}
	h := signed.header()
	switch {
	case h.Type != role:
		return nil, &FormatError{File: file, Reason: fmt.Sprintf("_type is %q, want %q", h.Type, role)}
	case !supportedSpec(h.SpecVersion):
		return nil, &FormatError{File: file, Reason: fmt.Sprintf("spec_version %q is not 1.x", h.SpecVersion)}
	case h.Version < 1:
		return nil, &FormatError{File: file, Reason: fmt.Sprintf("version %d is not positive", h.Version)}
	case h.Expires.IsZero():
		return nil, &FormatError{File: file, Reason: "no expiry"}
	}
	return &envelope{canonical: canon, sigs: env.Signatures}, nil
}

func supportedSpec(v string) bool {
	major, _, _ := strings.Cut(v, ".")
	return major == "1"
}

// parseRoot reads root metadata and checks that it delegates every
// top-level role.
func parseRoot(file string, data []byte) (*rootJSON, *envelope, error) {
	var root rootJSON
	env, err := parseMetadata(file, RoleRoot, data, &root)
	if err != nil {
		return nil, nil, err
	}
	for _, role := range []string{RoleRoot, RoleTimestamp, RoleSnapshot, RoleTargets} {
		r, ok := root.Roles[role]
		if !ok {
			return nil, nil, &FormatError{File: file, Reason: "no " + role + " role"}
		}
		if r.Threshold < 1 {
			return nil, nil, &FormatError{File: file, Reason: fmt.Sprintf("the %s role's threshold %d is not positive", role, r.Threshold)}
		}
	}
	return &root, env, nil
}

// verifyRole checks that a threshold of root's keys for role signed env, the
// metadata of role at version.
func (r *rootJSON) verifyRole(role string, version int64, env *envelope, by string) error {
	rl := r.Roles[role]
	if n := countSignatures(env.canonical, env.sigs, r.Keys, rl.KeyIDs); n < rl.Threshold {
		return &ThresholdError{Role: role, Version: version, By: by, Valid: n, Threshold: rl.Threshold}
	}
	return nil
}

func (r *rootJSON) name() string { return "root version " + strconv.FormatInt(r.Version, 10) }

// checkExpiry fails when the metadata expired at or before now.
func checkExpiry(role string, h *commonJSON, now time.Time) error {
	if !now.Before(h.Expires) {
		return &ExpiredError{Role: role, Version: h.Version, Expires: h.Expires, Now: now}
	}
	return nil
}

// The hash algorithms the client checks; others are ignored.
var hashes = map[string]func([]byte) []byte{
	"sha256": func(b []byte) []byte { s := sha256.Sum256(b); return s[:] },
	"sha512": func(b []byte) []byte { s := sha512.Sum512(b); return s[:] },
}

// checkHashes checks data against every hash of want the client knows, and
// returns how many it checked.
func checkHashes(file string, data []byte, want map[string]string) (int, error) {
	n := 0
	for _, alg := range []string{"sha256", "sha512"} {
		w, ok := want[alg]
		if !ok {
			continue
		}
		got := hex.EncodeToString(hashes[alg](data))
		if !strings.EqualFold(got, w) {
			return n, &MismatchError{File: file, Check: alg, Got: got, Want: w}
		}
		n++
	}
	return n, nil
}

func checkLength(file string, data []byte, want int64) error {
	if int64(len(data)) != want {
		return &MismatchError{File: file, Check: "length", Got: strconv.Itoa(len(data)), Want: strconv.FormatInt(want, 10)}
	}
	return nil
}
