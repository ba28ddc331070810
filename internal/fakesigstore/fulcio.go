package fakesigstore

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Issuers whose tokens the fake Fulcio turns into certificates.
const (
	IssuerGitHub = "https://token.actions.githubusercontent.com"
	IssuerGitLab = "https://gitlab.com"
	IssuerGoogle = "https://accounts.google.com"
)

// Fulcio's answers to a bad request (its gRPC errors through the gateway).
const (
	msgBadToken     = "There was an error processing the identity token" // #nosec G101 -- a message, not a credential
	msgBadKey       = "The public key supplied in the request could not be parsed"
	msgBadSignature = "The signature supplied in the request could not be verified"
	msgBadRequest   = "The request could not be parsed"
	msgBadIdentity  = "There was an error processing the identity token: unsupported principal"
)

// maxRequest bounds a Fulcio or Rekor request body.
const maxRequest = 1 << 20

// CertRequest is Fulcio v2's CreateSigningCertificateRequest with a public
// key (certificate signing requests are not supported by the fake).
type CertRequest struct {
	Credentials struct {
		OIDCIdentityToken string `json:"oidcIdentityToken"`
	} `json:"credentials"`
	PublicKeyRequest struct {
		PublicKey struct {
			Algorithm string `json:"algorithm"`
			Content   string `json:"content"`
		} `json:"publicKey"`
		ProofOfPossession string `json:"proofOfPossession"`
	} `json:"publicKeyRequest"`
	CertificateSigningRequest string `json:"certificateSigningRequest"`
}

// ParseCertRequest decodes a signingCert request body and its public key
// (PEM, PKIX, ECDSA) and proof of possession (base64). The token is the
// body's credentials.oidcIdentityToken, or else bearer, the token of the
// request's Authorization header (which sigstore-go sends instead).
func ParseCertRequest(body []byte, bearer string) (token string, pub *ecdsa.PublicKey, pop []byte, err error) {
	var req CertRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return "", nil, nil, &RequestError{msgBadRequest + ": " + err.Error()}
	}
	token = req.Credentials.OIDCIdentityToken
	if token == "" {
		token = bearer
	}
	pk := req.PublicKeyRequest
	if req.CertificateSigningRequest != "" || pk.PublicKey.Content == "" {
		return token, nil, nil, &RequestError{msgBadKey}
	}
	block, _ := pem.Decode([]byte(pk.PublicKey.Content))
	if block == nil {
		return token, nil, nil, &RequestError{msgBadKey}
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return token, nil, nil, &RequestError{msgBadKey}
	}
	ec, ok := key.(*ecdsa.PublicKey)
	if !ok {
		return token, nil, nil, &RequestError{msgBadKey}
	}
	pop, err = base64.StdEncoding.DecodeString(pk.ProofOfPossession)
	if err != nil || len(pop) == 0 {
		return token, nil, nil, &RequestError{msgBadSignature}
	}
	return token, ec, pop, nil
}

// RequestError is a signingCert request Fulcio refuses with 400; its
// text is Fulcio's.
type RequestError struct{ Message string }

func (e *RequestError) Error() string { return e.Message }

// signingCert is POST /api/v2/signingCert.
func (s *Sigstore) signingCert(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequest+1))
	if err != nil {
		return
	}
	if len(body) > maxRequest {
		writeError(w, http.StatusRequestEntityTooLarge, msgBadRequest)
		return
	}
	scheme, bearer, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "bearer") {
		bearer = ""
	}
	token, pub, pop, err := ParseCertRequest(body, bearer)
	switch {
	case err != nil && strings.HasPrefix(err.Error(), msgBadRequest):
		writeError(w, http.StatusBadRequest, err.Error())
		return
	case token == "":
		writeError(w, http.StatusUnauthorized, msgBadToken)
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	claims, err := s.verify(token)
	if err != nil {
		writeError(w, http.StatusUnauthorized, msgBadToken)
		return
	}
	id, subject, err := identityFromClaims(claims)
	if err != nil {
		writeError(w, http.StatusBadRequest, msgBadIdentity+": "+err.Error())
		return
	}
	// The proof of possession is a signature over the subject the token
	// names, as Fulcio checks it (and sigstore-go's client makes it).
	digest := sha256.Sum256([]byte(subject))
	if !ecdsa.VerifyASN1(pub, digest[:], pop) {
		writeError(w, http.StatusBadRequest, msgBadSignature)
		return
	}
	der, err := s.issueLeaf(pub, id)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "issuing the certificate: "+err.Error())
		return
	}
	chain := []string{pemCert(der), pemCert(s.inter.Raw), pemCert(s.rootCert.Raw)}
	writeJSON(w, http.StatusOK, map[string]any{
		"signedCertificateEmbeddedSct": map[string]any{"chain": map[string]any{"certificates": chain}},
	})
}

func pemCert(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// identityFromClaims maps a verified token to a certificate identity as
// Fulcio's principals do, and returns the subject the proof of possession
// signs.
func identityFromClaims(claims map[string]any) (*identity, string, error) {
	str := func(name string) string { v, _ := claims[name].(string); return v }
	iss := str("iss")
	switch iss {
	case IssuerGitHub:
		return githubIdentity(str)
	case IssuerGitLab:
		return gitlabIdentity(str)
	case IssuerGoogle:
		if str("email") == "" || claims["email_verified"] != true {
			return nil, "", errors.New("the token has no verified email")
		}
		exts, err := extensions(iss, nil)
		return &identity{email: str("email"), extensions: exts}, str("email"), err
	}
	return nil, "", fmt.Errorf("issuer %q", iss)
}

// githubIdentity is Fulcio's GitHub workflow principal.
func githubIdentity(str func(string) string) (*identity, string, error) {
	const gh = "https://github.com/"
	if str("sub") == "" || str("job_workflow_ref") == "" || str("repository") == "" {
		return nil, "", errors.New("missing sub, job_workflow_ref or repository")
	}
	san, err := url.Parse(gh + str("job_workflow_ref"))
	if err != nil {
		return nil, "", err
	}
	run := ""
	if str("run_id") != "" {
		run = gh + str("repository") + "/actions/runs/" + str("run_id") + "/attempts/" + str("run_attempt")
	}
	exts, err := extensions(IssuerGitHub, map[int]string{
		9: gh + str("job_workflow_ref"), 10: str("job_workflow_sha"), 11: str("runner_environment"),
		12: gh + str("repository"), 13: str("sha"), 14: str("ref"),
		15: str("repository_id"), 16: prefixed(gh, str("repository_owner")), 17: str("repository_owner_id"),
		18: prefixed(gh, str("workflow_ref")), 19: str("workflow_sha"), 20: str("event_name"), 21: run,
	})
	return &identity{uri: san, extensions: exts}, str("sub"), err
}

// gitlabIdentity is Fulcio's GitLab CI principal (gitlab.com).
func gitlabIdentity(str func(string) string) (*identity, string, error) {
	const gl = "https://gitlab.com/"
	if str("sub") == "" || str("ci_config_ref_uri") == "" || str("project_path") == "" {
		return nil, "", errors.New("missing sub, ci_config_ref_uri or project_path")
	}
	config := "https://" + str("ci_config_ref_uri")
	san, err := url.Parse(config)
	if err != nil {
		return nil, "", err
	}
	ref := str("ref_path")
	switch {
	case ref != "" || str("ref") == "":
	case str("ref_type") == "branch":
		ref = "refs/heads/" + str("ref")
	case str("ref_type") == "tag":
		ref = "refs/tags/" + str("ref")
	}
	run := ""
	if str("job_id") != "" {
		run = gl + str("project_path") + "/-/jobs/" + str("job_id")
	}
	exts, err := extensions(IssuerGitLab, map[int]string{
		9: config, 10: str("ci_config_sha"), 11: str("runner_environment"),
		12: gl + str("project_path"), 13: str("sha"), 14: ref,
		15: str("project_id"), 16: prefixed(gl, str("namespace_path")), 17: str("namespace_id"),
		18: config, 19: str("ci_config_sha"), 20: str("pipeline_source"), 21: run,
	})
	return &identity{uri: san, extensions: exts}, str("sub"), err
}

func prefixed(prefix, v string) string {
	if v == "" {
		return ""
	}
	return prefix + v
}

// extensions are the issuer extensions (1 and 8) and the others given,
// in OID order; empty values are left out.
func extensions(iss string, values map[int]string) ([]pkix.Extension, error) {
	var out []pkix.Extension
	for _, n := range []int{1, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21} {
		v := values[n]
		if n == 1 || n == 8 {
			v = iss
		}
		if v == "" {
			continue
		}
		ext, err := sigstoreExt(n, v)
		if err != nil {
			return nil, err
		}
		out = append(out, ext)
	}
	return out, nil
}
