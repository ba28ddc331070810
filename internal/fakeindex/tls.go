package fakeindex

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// ConnStats counts a server's new TCP connections and its TLS handshakes,
// full and resumed apart, so a benchmark can see whether a client reuses
// its connections (one full handshake per worker) or pays one per file.
type ConnStats struct {
	conns, full, resumed atomic.Int64
}

// ConnState is an [http.Server] ConnState hook: it counts new connections.
func (s *ConnStats) ConnState(_ net.Conn, state http.ConnState) {
	if state == http.StateNew {
		s.conns.Add(1)
	}
}

// Counts returns the connections, full handshakes and resumed handshakes
// seen so far.
func (s *ConnStats) Counts() (conns, full, resumed int64) {
	return s.conns.Load(), s.full.Load(), s.resumed.Load()
}

// verifyConnection runs after every completed handshake, resumed or not
// (crypto/tls calls it on both paths), so it is where handshakes are
// counted.
func (s *ConnStats) verifyConnection(cs tls.ConnectionState) error {
	if cs.DidResume {
		s.resumed.Add(1)
	} else {
		s.full.Add(1)
	}
	return nil
}

// SelfSignedTLS makes a fresh CA and a leaf certificate for 127.0.0.1, ::1
// and localhost signed by it (ECDSA P-256, valid for a day), and returns a
// server configuration serving the leaf over HTTP/1.1 (one request per
// connection at a time, so -bandwidth is per connection) and the CA in PEM
// for the clients' --cert. stats, when not nil, counts the handshakes.
func SelfSignedTLS(stats *ConnStats) (*tls.Config, []byte, error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generating the CA key: %w", err)
	}
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "fakeindex test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, fmt.Errorf("signing the CA certificate: %w", err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, nil, fmt.Errorf("parsing the CA certificate: %w", err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generating the server key: %w", err)
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &leafKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, fmt.Errorf("signing the server certificate: %w", err)
	}
	cfg := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER, caDER}, PrivateKey: leafKey}},
		NextProtos:   []string{"http/1.1"},
	}
	if stats != nil {
		cfg.VerifyConnection = stats.verifyConnection
	}
	return cfg, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), nil
}
