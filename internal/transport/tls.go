package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
)

// TLSError is a TLS failure that no retry can fix, so no layer retries
// it: this side could not verify the index's certificate (unknown
// authority, wrong host name, expired), the index refused the connection
// with a TLS alert (often over a missing or refused client certificate),
// or the connection broke after the index asked for a client certificate
// and none was configured (with TLS 1.3 the index may refuse it only once
// the request is on its way).
type TLSError struct {
	Err error
	// Untrusted: this side did not trust the index's certificate.
	Untrusted bool
	// ClientCertAsked: the index asked for a client certificate and none
	// was configured.
	ClientCertAsked bool
}

func (e *TLSError) Error() string {
	if e.ClientCertAsked {
		return "the index asked for a client certificate and none was given: " + e.Err.Error()
	}
	return e.Err.Error()
}

func (e *TLSError) Unwrap() error { return e.Err }

// IsTLSError reports whether err is a TLS failure no retry can fix: a
// [*TLSError], or, from a client [NewClient] did not build, a certificate
// that failed verification or a TLS alert from the server.
func IsTLSError(err error) bool {
	if _, ok := errors.AsType[*TLSError](err); ok {
		return true
	}
	return untrusted(err) || remoteAlert(err)
}

// untrusted reports a failure to verify the server's certificate.
func untrusted(err error) bool {
	if _, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		return true
	}
	if _, ok := errors.AsType[x509.UnknownAuthorityError](err); ok {
		return true
	}
	if _, ok := errors.AsType[x509.HostnameError](err); ok {
		return true
	}
	_, ok := errors.AsType[x509.CertificateInvalidError](err)
	return ok
}

// remoteAlert reports a TLS alert the server sent: crypto/tls reports it
// as a *net.OpError whose Op is "remote error".
func remoteAlert(err error) bool {
	oe, ok := errors.AsType[*net.OpError](err)
	return ok && oe.Op == "remote error"
}

// tlsConfig is the client's TLS configuration: the roots to verify with,
// and the client certificate to send whenever a server asks, as requests
// does (Go would send it only if it matched the server's list of CAs).
// Without one, it notes on the request's context that the server asked.
func tlsConfig(roots *x509.CertPool, cert *tls.Certificate) *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		RootCAs:    roots,
		GetClientCertificate: func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			if cert != nil {
				return cert, nil
			}
			if asked, ok := cri.Context().Value(clientCertAskedKey{}).(*atomic.Bool); ok {
				asked.Store(true)
			}
			return &tls.Certificate{}, nil
		},
	}
}

type clientCertAskedKey struct{}

// tlsErrors turns the TLS failures of the connection a request dialed
// into a *TLSError.
type tlsErrors struct{ inner http.RoundTripper }

var _ http.RoundTripper = (*tlsErrors)(nil)

func (t *tlsErrors) RoundTrip(req *http.Request) (*http.Response, error) {
	asked := new(atomic.Bool)
	// The dial, and with it the handshake, runs with the request's context
	// values, so tlsConfig can mark this request.
	req = req.WithContext(context.WithValue(req.Context(), clientCertAskedKey{}, asked))
	resp, err := t.inner.RoundTrip(req)
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return resp, err
	}
	if _, ok := errors.AsType[*TimeoutError](err); ok {
		return nil, err // given up on by a limit, not refused
	}
	switch {
	case untrusted(err):
		return nil, &TLSError{Err: err, Untrusted: true}
	case asked.Load():
		return nil, &TLSError{Err: err, ClientCertAsked: true}
	case remoteAlert(err):
		return nil, &TLSError{Err: err}
	}
	return nil, err
}
