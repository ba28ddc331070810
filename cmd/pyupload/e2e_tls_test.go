package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/credentials"
	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/internal/ui"
)

// testPKI is a CA made for one test, a server certificate for 127.0.0.1
// and a client certificate, both signed by it.
type testPKI struct {
	caFile     string // the CA certificate (PEM)
	clientFile string // the client certificate and its key (PEM), as requests takes it
	caPool     *x509.CertPool
	server     tls.Certificate
}

func newPKI(t *testing.T) *testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey, caCert := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "test CA"}, IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}, nil, nil)
	serverKey, serverCert := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "index"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, caCert, caKey)
	clientKey, clientCert := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "uploader"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, caCert, caKey)
	p := &testPKI{caFile: filepath.Join(dir, "ca.pem"), clientFile: filepath.Join(dir, "client.pem"), caPool: x509.NewCertPool()}
	p.caPool.AddCert(caCert)
	p.server = tls.Certificate{Certificate: [][]byte{serverCert.Raw}, PrivateKey: serverKey}
	writePEM(t, p.caFile, certPEM(caCert))
	keyDER, err := x509.MarshalPKCS8PrivateKey(clientKey)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, p.clientFile, append(certPEM(clientCert), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})...))
	return p
}

// issue makes a key and a certificate from tmpl, signed by parent (nil:
// self-signed).
func issue(t *testing.T, tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	tmpl.KeyUsage |= x509.KeyUsageDigitalSignature
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func writePEM(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// startTLSIndex serves a fresh fake index over TLS with the PKI's server
// certificate, requiring its client certificate if asked, and counts the
// TLS handshakes clients start.
func startTLSIndex(t *testing.T, p *testPKI, requireClientCert bool) (ix *fakeindex.Index, tlsURL, plainURL string, hellos *atomic.Int32) {
	t.Helper()
	ix = fakeindex.New(fakeindex.WithTokens(testToken), fakeindex.WithStorageDir(t.TempDir()))
	hellos = new(atomic.Int32)
	srv := httptest.NewUnstartedServer(ix)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{p.server}, GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
		hellos.Add(1)
		return nil, nil
	}}
	if requireClientCert {
		srv.TLS.ClientAuth, srv.TLS.ClientCAs = tls.RequireAndVerifyClientCert, p.caPool
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // failed handshakes are the point
	srv.StartTLS()
	plain := httptest.NewServer(ix) // the same index, for --check-url
	t.Cleanup(func() {
		srv.Close()
		plain.Close()
		_ = ix.Close()
	})
	return ix, srv.URL, plain.URL, hellos
}

// attempts reads --json's attempt count of the one file uploaded.
func attempts(t *testing.T, r binaryRun) int {
	t.Helper()
	var got []struct {
		Attempts int `json:"attempts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 1 {
		t.Fatalf("--json output %q: %v", r.stdout, err)
	}
	return got[0].Attempts
}

// TestE2EClientCert: an index that requires a client certificate accepts
// the upload with --client-cert, TWINE_CLIENT_CERT or the section's
// client_cert, and without one the upload fails at once, saying why.
func TestE2EClientCert(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	ix, u, _, _ := startTLSIndex(t, p, true)
	home := writePypirc(t, "[distutils]\nindex-servers = mtls\n[mtls]\nrepository = "+u+"/legacy/\nca_cert = "+p.caFile+"\nclient_cert = "+p.clientFile+"\n")
	ok := []struct {
		name  string
		env   []string
		args  []string
		wheel string
	}{
		{"flags", tokenEnv, uploadArgs(u, "--cert", p.caFile, "--client-cert", p.clientFile), "pyupload_mv22-2.2-py3-none-any.whl"},
		{"variables", append([]string{"TWINE_CLIENT_CERT=" + p.clientFile, "REQUESTS_CA_BUNDLE=" + p.caFile}, tokenEnv...), uploadArgs(u), "pyupload_mv23-2.3-py3-none-any.whl"},
		{".pypirc", append([]string{"HOME=" + home}, tokenEnv...), []string{"-r", "mtls", "--disable-progress-bar"}, "pyupload_mv24-2.4-py3-none-any.whl"},
	}
	for _, run := range ok {
		if r := runBinary(t, run.env, append(run.args, good+run.wheel)...); r.code != ui.ExitOK {
			t.Errorf("%s: exit %d\n%s", run.name, r.code, r.stderr)
		}
	}
	if n := len(ix.Files()); n != len(ok) {
		t.Errorf("stored %d files, want %d", n, len(ok))
	}
	r := runBinary(t, tokenEnv, uploadArgs(u, "--json", "--cert", p.caFile, good+"pyupload_mv25-2.5-py3-none-any.whl")...)
	if r.code != ui.ExitFailure || !strings.Contains(r.stderr, "client certificate") || !strings.Contains(r.stderr, "--client-cert") {
		t.Errorf("without a client certificate: exit %d, want %d, the reason and the hint\n%s", r.code, ui.ExitFailure, r.stderr)
	}
	if n := attempts(t, r); n != 1 {
		t.Errorf("without a client certificate: %d attempts, want 1", n)
	}
}

// TestE2EUntrustedCertificate: an index whose certificate is not trusted
// gets one attempt, and the failure says how to trust it; the CA bundle
// comes from --cert, then REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, and Go's own
// SSL_CERT_FILE.
func TestE2EUntrustedCertificate(t *testing.T) {
	t.Parallel()
	p, other := newPKI(t), newPKI(t)
	ix, u, plain, hellos := startTLSIndex(t, p, false)
	wheel := good + "pyupload_mv22-2.2-py3-none-any.whl"
	// Lookups go to the plain server, so every handshake is an upload.
	r := runBinary(t, tokenEnv, uploadArgs(u, "--json", "--check-url", plain+"/simple/", wheel)...)
	if r.code != ui.ExitFailure || !strings.Contains(r.stderr, "certificate") || !strings.Contains(r.stderr, "--cert, TWINE_CERT, REQUESTS_CA_BUNDLE") {
		t.Errorf("untrusted: exit %d, want %d with the hint\n%s", r.code, ui.ExitFailure, r.stderr)
	}
	if n := attempts(t, r); n != 1 || hellos.Load() != 1 {
		t.Errorf("untrusted: %d attempts, %d handshakes; want 1 and 1", n, hellos.Load())
	}
	// A flag wins over the variables: the other CA does not sign the index.
	r = runBinary(t, append([]string{"REQUESTS_CA_BUNDLE=" + p.caFile}, tokenEnv...), uploadArgs(u, "--cert", other.caFile, wheel)...)
	if r.code != ui.ExitFailure || len(ix.Files()) != 0 {
		t.Errorf("--cert with the wrong CA over REQUESTS_CA_BUNDLE: exit %d, stored %d\n%s", r.code, len(ix.Files()), r.stderr)
	}
	for _, v := range []string{"REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"} {
		if r := runBinary(t, append([]string{v + "=" + p.caFile}, tokenEnv...), uploadArgs(u, wheel)...); r.code != ui.ExitOK {
			t.Errorf("%s: exit %d\n%s", v, r.code, r.stderr)
		}
	}
	if len(ix.Files()) != 1 {
		t.Errorf("stored %d files, want 1", len(ix.Files()))
	}
}

// TestE2ETokenUntrustedCertificate: the token exchange's first call, the
// audience, is not retried on a certificate failure either.
func TestE2ETokenUntrustedCertificate(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	_, u, _, hellos := startTLSIndex(t, p, false)
	f := filepath.Join(t.TempDir(), "token")
	writePEM(t, f, []byte("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.\n"))
	r := runBinary(t, nil, "token", "--repository-url", u+"/legacy/", "--oidc-token-file", f)
	if r.code != ui.ExitFailure || !strings.Contains(r.stderr, "REQUESTS_CA_BUNDLE") || hellos.Load() != 1 {
		t.Errorf("token: exit %d after %d handshakes, want %d after 1, with the hint\n%s", r.code, hellos.Load(), ui.ExitFailure, r.stderr)
	}
}

// TestTLSFilesFor: each file comes from the first source naming one: the
// flag (with its variables), the config section, then requests' variables.
func TestTLSFilesFor(t *testing.T) {
	t.Parallel()
	section := &credentials.Resolved{CACert: "section-ca", ClientCert: "section-client"}
	tests := []struct {
		name   string
		idx    indexOptions
		target *credentials.Resolved
		env    map[string]string
		want   tlsFiles
	}{
		{"nothing", indexOptions{}, &credentials.Resolved{}, nil, tlsFiles{}},
		{"flags first", indexOptions{cert: "flag-ca", clientCert: "flag-client"}, section, map[string]string{"REQUESTS_CA_BUNDLE": "r"}, tlsFiles{"flag-ca", "flag-client"}},
		{"then the section", indexOptions{}, section, map[string]string{"REQUESTS_CA_BUNDLE": "r"}, tlsFiles{"section-ca", "section-client"}},
		{"then REQUESTS_CA_BUNDLE", indexOptions{}, &credentials.Resolved{}, map[string]string{"REQUESTS_CA_BUNDLE": "r", "CURL_CA_BUNDLE": "c"}, tlsFiles{caBundle: "r"}},
		{"then CURL_CA_BUNDLE", indexOptions{}, &credentials.Resolved{}, map[string]string{"REQUESTS_CA_BUNDLE": " ", "CURL_CA_BUNDLE": "c"}, tlsFiles{caBundle: "c"}},
	}
	for _, tt := range tests {
		if got := tlsFilesFor(tt.idx, tt.target, testEnv(t, tt.env)); got != tt.want {
			t.Errorf("%s: tlsFilesFor() = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestTLSFilesLoad: a CA bundle may be a file or a directory of them (as
// requests allows); the client certificate is one PEM file with its key.
func TestTLSFilesLoad(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	roots, cert, err := tlsFiles{caBundle: filepath.Dir(p.caFile), clientCert: p.clientFile}.load()
	if err != nil || roots == nil || cert == nil {
		t.Fatalf("load(a CA directory, a client certificate) = %v, %v, %v", roots, cert, err)
	}
	both, err := os.ReadFile(p.clientFile)
	if err != nil {
		t.Fatal(err)
	}
	certOnly := filepath.Join(t.TempDir(), "cert-only.pem")
	writePEM(t, certOnly, both[:strings.Index(string(both), "-----BEGIN PRIVATE KEY")])
	for _, f := range []tlsFiles{{clientCert: certOnly}, {caBundle: p.clientFile + ".missing"}, {caBundle: t.TempDir()}} {
		if _, _, err := f.load(); err == nil {
			t.Errorf("load(%+v) succeeded, want an error", f)
		}
	}
	if _, _, err := (tlsFiles{clientCert: certOnly}).load(); err == nil || !strings.Contains(err.Error(), "one PEM file with the certificate and its unencrypted private key") {
		t.Errorf("load(a certificate without its key) error = %v", err)
	}
}
