package sigstore

import (
	"fmt"
	"net/http"

	"github.com/pyupload/pyupload/internal/transport"
)

// The checks [Verify] makes, as [VerificationError.Check] names them.
const (
	CheckFormat         = "format"          // the attestation's shape
	CheckStatement      = "statement"       // the in-toto statement
	CheckSubject        = "subject"         // the subject's name and digest
	CheckSignature      = "signature"       // the DSSE signature by the certificate's key
	CheckCertificate    = "certificate"     // the chain to a Fulcio CA, at the integrated time
	CheckSCT            = "sct"             // the embedded signed certificate timestamp
	CheckLogEntry       = "log entry"       // the log, the signed entry timestamp
	CheckInclusionProof = "inclusion proof" // the Merkle audit path
	CheckCheckpoint     = "checkpoint"      // the log's signed tree head
	CheckLogBody        = "log body"        // the logged entry matches the envelope and certificate
	CheckIdentity       = "identity"        // the signer is the expected publisher
)

// VerificationError says which check of an attestation failed and why.
type VerificationError struct {
	Check  string // one of the Check… constants
	Reason string
	Err    error // the cause, if any (an [*IdentityError] for CheckIdentity)
}

func (e *VerificationError) Error() string {
	s := "sigstore: verification failed: " + e.Check + ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *VerificationError) Unwrap() error { return e.Err }

func failf(check string, err error, format string, args ...any) *VerificationError {
	return &VerificationError{Check: check, Reason: fmt.Sprintf(format, args...), Err: err}
}

// IdentityError says the certificate's identity is not the expected
// publisher's.
type IdentityError struct {
	Field string // "issuer", "source repository", "build config URI", …
	Got   string
	Want  string
}

func (e *IdentityError) Error() string {
	return fmt.Sprintf("the certificate's %s is %q, want %q", e.Field, e.Got, e.Want)
}

// ServiceError is a failure answer of Fulcio or Rekor. Body is a bounded,
// printable excerpt of the answer; it never holds the identity token.
type ServiceError struct {
	Service    string // "Fulcio" or "Rekor"
	Op         string // what was asked
	StatusCode int
	Body       string
	// Location is the answer's Location header: with 409, where Rekor
	// keeps the entry that already exists.
	Location string
}

func (e *ServiceError) Error() string {
	s := fmt.Sprintf("sigstore: %s answered %d %s to %s", e.Service, e.StatusCode, http.StatusText(e.StatusCode), e.Op)
	if e.Body != "" {
		s += ": " + e.Body
	}
	return s
}

// Temporary reports whether retrying may help (429 and most 5xx).
func (e *ServiceError) Temporary() bool { return transport.Temporary(e.StatusCode) }
