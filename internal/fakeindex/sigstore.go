package fakeindex

import (
	"errors"
	"net/http"
	"time"

	"github.com/pyupload/pyupload/internal/fakesigstore"
)

// Where the index serves its fake Sigstore (internal/fakesigstore): the
// base URLs of Fulcio and Rekor, and its trust material.
const (
	FulcioPath        = "/_sigstore/fulcio"
	RekorPath         = "/_sigstore/rekor"
	TrustedRootPath   = "/_sigstore/trusted_root.json"
	SigningConfigPath = "/_sigstore/signing_config.json"
)

// SigstoreAudience is the audience an identity token must carry for the
// fake Fulcio, as for Sigstore's.
const SigstoreAudience = "sigstore"

// WithAttestationTrustedRoot makes /legacy/ verify attestations against
// this Sigstore TrustedRoot JSON document instead of the index's own fake
// Sigstore's. The default is [Index.Sigstore]'s
// [fakesigstore.Sigstore.TrustedRootJSON].
func WithAttestationTrustedRoot(trustedRoot []byte) Option {
	return func(ix *Index) { ix.trustedRoot = append([]byte(nil), trustedRoot...) }
}

// WithoutAttestationChecks plays Warehouse's DISABLE_PEP740 admin flag:
// the attestations field of a Trusted Publishing upload is ignored (the
// upload succeeds and nothing is served by the integrity API), so tests
// can send attestations that were not made against the index's Sigstore.
// An upload with an API token still gets "Attestations are only supported
// when using Trusted Publishing". It weakens the index's validation, as
// the name says. The default is to verify attestations as PyPI does.
func WithoutAttestationChecks() Option {
	return func(ix *Index) { ix.noAttestationChecks = true }
}

// Sigstore returns the index's fake Sigstore, served at [FulcioPath] and
// [RekorPath]: tests use it for its trust material and its faults
// ([fakesigstore.Sigstore.FailFulcio], [fakesigstore.Sigstore.FailRekor]).
func (ix *Index) Sigstore() *fakesigstore.Sigstore { return ix.sigstore }

// newSigstore makes the index's fake Sigstore: its Fulcio accepts the
// identity tokens the index itself would (signed with the index's key,
// a known issuer, unexpired), with audience "sigstore", dated by the
// index's clock.
func (ix *Index) newSigstore() *fakesigstore.Sigstore {
	return fakesigstore.New(
		fakesigstore.WithTokenVerifier(ix.verifySigstoreToken),
		fakesigstore.WithClock(func() time.Time { return ix.now() }),
	)
}

func (ix *Index) verifySigstoreToken(raw string) (map[string]any, error) {
	tok, err := decodeJWT(raw)
	if err != nil {
		return nil, err
	}
	iss, _ := tok.claims["iss"].(string)
	if kindByIssuer(iss) == nil {
		return nil, errors.New("unknown issuer")
	}
	if err := tok.verify(ix.signer(), iss, SigstoreAudience, ix.now()); err != nil {
		return nil, err
	}
	return tok.claims, nil
}

// routeSigstore mounts the fake Sigstore, its trust material and PyPI's
// integrity API.
func (ix *Index) routeSigstore(mux *http.ServeMux) {
	mux.Handle(FulcioPath+"/", http.StripPrefix(FulcioPath, ix.sigstore.Fulcio()))
	mux.Handle(RekorPath+"/", http.StripPrefix(RekorPath, ix.sigstore.Rekor()))
	mux.HandleFunc("GET "+TrustedRootPath, func(w http.ResponseWriter, _ *http.Request) {
		writeJSONBytes(w, http.StatusOK, "application/json", ix.sigstore.TrustedRootJSON())
	})
	mux.HandleFunc("GET "+SigningConfigPath, func(w http.ResponseWriter, r *http.Request) {
		base := baseURL(r)
		writeJSONBytes(w, http.StatusOK, "application/json", ix.sigstore.SigningConfigJSON(base+FulcioPath, base+RekorPath))
	})
	mux.HandleFunc("GET /integrity/{project}/{version}/{filename}/provenance", ix.handleProvenance)
}

func writeJSONBytes(w http.ResponseWriter, status int, ctype string, b []byte) {
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
