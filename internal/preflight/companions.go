package preflight

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pyupload/pyupload/internal/localfile"
	"github.com/pyupload/pyupload/pkg/dist"
)

// maxAttestationsPerFile is the index's limit (one per predicate type).
const maxAttestationsPerFile = 2

// Attestations collects, for every dist, the attestation files beside
// it (<dist>.publish.attestation, <dist>.slsa.attestation: the names
// gh-action-pypi-publish and pypi-attestations write) and those named for
// it among the inputs (named: [Report.Attestations], by the dist's base
// name) into the JSON array the index expects. Every dist must have at
// least one, as with twine's --attestations, so a missing signature stops
// the batch before any upload.
func Attestations(dists []*dist.Dist, named map[string][]string) (map[string]string, error) {
	return gatherAttestations(dists, named, true)
}

// FoundAttestations is [Attestations] for a batch that signs what has
// none: a dist without attestation files is left out of the map.
func FoundAttestations(dists []*dist.Dist, named map[string][]string) (map[string]string, error) {
	return gatherAttestations(dists, named, false)
}

func gatherAttestations(dists []*dist.Dist, named map[string][]string, required bool) (map[string]string, error) {
	out := make(map[string]string, len(dists))
	for _, d := range dists {
		matches, err := attestationFiles(d.Path, named[filepath.Base(d.Path)])
		if err != nil {
			return nil, err
		}
		if len(matches) == 0 && !required {
			continue
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("%s: --attestations was given but there is no %s.*.attestation file beside it", d.Path, filepath.Base(d.Path))
		}
		if len(matches) > maxAttestationsPerFile {
			return nil, fmt.Errorf("%s: %d attestation files; the index accepts at most %d (one per predicate type)", d.Path, len(matches), maxAttestationsPerFile)
		}
		var list []json.RawMessage
		for _, m := range matches {
			b, err := localfile.ReadFile(m)
			if err != nil {
				return nil, fmt.Errorf("reading attestation: %w", err)
			}
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(b, &obj); err != nil {
				return nil, fmt.Errorf("%s: not a JSON attestation object: %w", m, err)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, b); err != nil {
				return nil, fmt.Errorf("%s: %w", m, err)
			}
			list = append(list, compact.Bytes())
		}
		b, err := json.Marshal(list)
		if err != nil {
			return nil, err
		}
		out[d.Path] = string(b)
	}
	return out, nil
}

// attestationFiles are the attestation files beside path and those
// named, each once, sorted.
func attestationFiles(path string, named []string) ([]string, error) {
	beside, err := AttestationsBeside(path)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, m := range append(beside, named...) {
		if c := filepath.Clean(m); !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out, nil
}

// AttestationsBeside lists <dist>.<kind>.attestation in the dist's
// directory, sorted: a directory listing, not a glob, so that no file name
// is read as a pattern (and a Windows path's separators are not escapes).
func AttestationsBeside(path string) ([]string, error) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing the attestations of %s: %w", path, err)
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		kind, ok := strings.CutPrefix(n, base+".")
		if ok && strings.HasSuffix(kind, ".attestation") && kind != ".attestation" && !e.IsDir() {
			out = append(out, filepath.Join(dir, n))
		}
	}
	return out, nil
}
