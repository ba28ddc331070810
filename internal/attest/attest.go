// Package attest makes the PEP 740 attestations of a batch before any of
// it is uploaded: each dist's statement is signed and logged, then checked
// as the index will check it, concurrently and bounded, and only when every
// dist has a verified attestation does the batch go on. It knows nothing of
// Sigstore's protocols (the caller passes pkg/sigstore's signer and
// verifier as functions) and nothing of the upload.
package attest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"golang.org/x/sync/errgroup"

	"github.com/pyupload/pyupload/pkg/dist"
)

// Config is what a batch's signing needs.
type Config struct {
	// Sign returns the attestation (PyPI's JSON object) of one file,
	// named by its base name, with this sha256 (lowercase hex).
	Sign func(ctx context.Context, filename string, sha256Hex string) ([]byte, error)
	// Verify checks an attestation as the index will: signature, chain,
	// log entry, subject and the publisher's identity.
	Verify func(attestation []byte, filename string, sha256Hex string) error
	// Jobs bounds the files signed at once (at least 1).
	Jobs int
	// Dir, when not empty, receives each attestation as
	// <dist>.publish.attestation once every dist has one.
	Dir string
	// WriteFile writes one file (os.WriteFile in the binary).
	WriteFile func(path string, data []byte) error
}

// Error is a failure to attest the batch, before any upload: getting the
// Sigstore identity token, the certificate, or one file's attestation (a
// [*FileError] inside).
type Error struct {
	Stage string
	Err   error
	// Given: the attestation that failed was made elsewhere (a file sent
	// with --attestations), not signed in this run.
	Given bool
}

func (e *Error) Error() string { return e.Stage + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// FileError is a failure to attest one dist.
type FileError struct {
	Path  string
	Stage string // "signing", "verifying" or "writing"
	Err   error
}

func (e *FileError) Error() string {
	return fmt.Sprintf("%s: %s its attestation: %v", e.Path, e.Stage, e.Err)
}
func (e *FileError) Unwrap() error { return e.Err }

// Suffix is the name pypi-attestations and gh-action-pypi-publish give a
// publish attestation beside its dist.
const Suffix = ".publish.attestation"

// Sign attests every dist, concurrently. It returns each dist's
// attestation by path, or the first failure (the others are cancelled):
// then nothing has been written.
func Sign(ctx context.Context, cfg Config, dists []*dist.Dist) (map[string][]byte, error) {
	if cfg.Sign == nil || cfg.Verify == nil {
		return nil, errors.New("attest: Sign and Verify are required")
	}
	out := make([][]byte, len(dists))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(cfg.Jobs, 1))
	for i, d := range dists {
		g.Go(func() error {
			b, err := attestOne(gctx, cfg, d)
			out[i] = b
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	byPath := make(map[string][]byte, len(dists))
	for i, d := range dists {
		byPath[d.Path] = out[i]
	}
	if err := write(cfg, dists, byPath); err != nil {
		return nil, err
	}
	return byPath, nil
}

func attestOne(ctx context.Context, cfg Config, d *dist.Dist) ([]byte, error) {
	name := filepath.Base(d.Path)
	b, err := cfg.Sign(ctx, name, d.SHA256)
	if err != nil {
		return nil, &FileError{Path: d.Path, Stage: "signing", Err: err}
	}
	if err := cfg.Verify(b, name, d.SHA256); err != nil {
		return nil, &FileError{Path: d.Path, Stage: "verifying", Err: err}
	}
	return b, nil
}

// write puts every attestation in cfg.Dir, after all were made.
func write(cfg Config, dists []*dist.Dist, byPath map[string][]byte) error {
	if cfg.Dir == "" {
		return nil
	}
	for _, d := range dists {
		p := filepath.Join(cfg.Dir, filepath.Base(d.Path)+Suffix)
		if err := cfg.WriteFile(p, append(byPath[d.Path], '\n')); err != nil {
			return &FileError{Path: d.Path, Stage: "writing", Err: err}
		}
	}
	return nil
}
