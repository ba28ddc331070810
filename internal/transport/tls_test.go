package transport

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// clientCertificate makes a self-signed client certificate.
func clientCertificate(t *testing.T) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "uploader"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf
}

// tlsServer serves 200 over TLS with httptest's certificate, counting
// handshakes; clientCA, if set, is required to have signed a client
// certificate.
func tlsServer(t *testing.T, clientCA *x509.Certificate) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hellos atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
		hellos.Add(1)
		return nil, nil
	}}
	if clientCA != nil {
		srv.TLS.ClientAuth = tls.RequireAndVerifyClientCert
		srv.TLS.ClientCAs = x509.NewCertPool()
		srv.TLS.ClientCAs.AddCert(clientCA)
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &hellos
}

func roots(srv *httptest.Server) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(srv.Certificate())
	return p
}

// TestTLSFailuresAreFinal: an untrusted server certificate, or a server
// that wants a client certificate none was given for, fails at once with
// a *TLSError, GET (which the client retries otherwise) and POST alike.
func TestTLSFailuresAreFinal(t *testing.T) {
	t.Parallel()
	cert, leaf := clientCertificate(t)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			untrusted, hellos := tlsServer(t, nil)
			err := call(t, NewClient(Options{Retry: true}), method, untrusted.URL)
			if te, ok := errors.AsType[*TLSError](err); !ok || !te.Untrusted || hellos.Load() != 1 {
				t.Errorf("untrusted server: error %v after %d handshakes, want an Untrusted *TLSError after 1", err, hellos.Load())
			}
			// The TLS 1.3 server refuses a missing client certificate after
			// the client's handshake is done, often while the request is
			// being written: try several times.
			for i := range 5 {
				mtls, hellos := tlsServer(t, leaf)
				err := call(t, NewClient(Options{Retry: true, RootCAs: roots(mtls)}), method, mtls.URL)
				if te, ok := errors.AsType[*TLSError](err); !ok || te.Untrusted || !te.ClientCertAsked || hellos.Load() != 1 {
					t.Errorf("try %d, no client certificate: error %v after %d handshakes, want a ClientCertAsked *TLSError after 1", i, err, hellos.Load())
				}
			}
			mtls, _ := tlsServer(t, leaf)
			if err := call(t, NewClient(Options{RootCAs: roots(mtls), ClientCert: &cert}), method, mtls.URL); err != nil {
				t.Errorf("with the client certificate: %v", err)
			}
		})
	}
}

func call(t *testing.T, c *http.Client, method, url string) error {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, bytes.NewReader(make([]byte, 4<<20)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

func TestIsTLSError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{&TLSError{Err: errors.New("x")}, true},
		{fmt.Errorf("Get: %w", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), true},
		{x509.HostnameError{Host: "x"}, true},
		{x509.CertificateInvalidError{Reason: x509.Expired}, true},
		{&net.OpError{Op: "remote error", Err: errors.New("tls: bad certificate")}, true},
		{&net.OpError{Op: "read", Err: syscall.ECONNRESET}, false},
		{errors.New("boom"), false},
	}
	for _, tt := range tests {
		if got := IsTLSError(tt.err); got != tt.want {
			t.Errorf("IsTLSError(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
