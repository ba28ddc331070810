package fakesigstore

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// CertLifetime is how long a Fulcio leaf certificate is valid, as on
// Fulcio.
const CertLifetime = 10 * time.Minute

// Object identifiers of certificate extensions.
var (
	oidCTPoison  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 3}
	oidSCTList   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 2}
	oidSigstore  = []int{1, 3, 6, 1, 4, 1, 57264, 1}
	asn1NullDER  = []byte{0x05, 0x00}
	caValidYears = 10
)

// makeCA creates the root and the intermediate CA.
func (s *Sigstore) makeCA() error {
	rootKey := newKey()
	rootTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Organization: []string{"fakesigstore"}, CommonName: "fakesigstore root"},
		NotBefore:             s.created,
		NotAfter:              s.created.AddDate(caValidYears, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            1,
	}
	der, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		return fmt.Errorf("creating the root CA: %w", err)
	}
	if s.rootCert, err = x509.ParseCertificate(der); err != nil {
		return err
	}
	s.interKey = newKey()
	interTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(2),
		Subject:               pkix.Name{Organization: []string{"fakesigstore"}, CommonName: "fakesigstore intermediate"},
		NotBefore:             s.created,
		NotAfter:              s.created.AddDate(caValidYears, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err = x509.CreateCertificate(rand.Reader, interTmpl, s.rootCert, &s.interKey.PublicKey, rootKey)
	if err != nil {
		return fmt.Errorf("creating the intermediate CA: %w", err)
	}
	s.inter, err = x509.ParseCertificate(der)
	return err
}

// identity is what a leaf certificate says about its subject: the SAN
// (a URI or an email address) and the Sigstore extensions.
type identity struct {
	uri        *url.URL
	email      string
	extensions []pkix.Extension
}

// issueLeaf issues a code-signing certificate for pub with an embedded
// SCT: a precertificate carrying the poison extension is "logged" with the
// fake CT log, whose SCT over the precertificate's TBS (without the
// poison) is embedded in the final certificate in its place.
func (s *Sigstore) issueLeaf(pub crypto.PublicKey, id *identity) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 159))
	if err != nil {
		return nil, err
	}
	now := s.now().Truncate(time.Second).UTC()
	tmpl := &x509.Certificate{
		SerialNumber:   serial,
		NotBefore:      now,
		NotAfter:       now.Add(CertLifetime),
		KeyUsage:       x509.KeyUsageDigitalSignature,
		ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		EmailAddresses: nil,
	}
	if id.uri != nil {
		tmpl.URIs = []*url.URL{id.uri}
	}
	if id.email != "" {
		tmpl.EmailAddresses = []string{id.email}
	}
	base := id.extensions
	tmpl.ExtraExtensions = append(append([]pkix.Extension(nil), base...), pkix.Extension{Id: oidCTPoison, Critical: true, Value: asn1NullDER})
	pre, err := x509.CreateCertificate(rand.Reader, tmpl, s.inter, pub, s.interKey)
	if err != nil {
		return nil, fmt.Errorf("creating the precertificate: %w", err)
	}
	preCert, err := x509.ParseCertificate(pre)
	if err != nil {
		return nil, err
	}
	tbs, err := removeExtension(preCert.RawTBSCertificate, oidCTPoison)
	if err != nil {
		return nil, fmt.Errorf("removing the poison extension: %w", err)
	}
	sct, err := s.signSCT(tbs, uint64(now.UnixMilli()))
	if err != nil {
		return nil, err
	}
	tmpl.ExtraExtensions = append(append([]pkix.Extension(nil), base...), pkix.Extension{Id: oidSCTList, Value: sct})
	return x509.CreateCertificate(rand.Reader, tmpl, s.inter, pub, s.interKey)
}

// signSCT returns the value of the SCT list extension: an OCTET STRING
// holding a SignedCertificateTimestampList with one SCT (RFC 6962 §3.2,
// §3.3) for a precertificate entry with this TBS.
func (s *Sigstore) signSCT(tbs []byte, timestamp uint64) ([]byte, error) {
	issuerKeyHash := sha256.Sum256(s.inter.RawSubjectPublicKeyInfo)
	var signed cryptobyte.Builder
	signed.AddUint8(0) // v1
	signed.AddUint8(0) // certificate_timestamp
	signed.AddUint64(timestamp)
	signed.AddUint16(1) // precert_entry
	signed.AddBytes(issuerKeyHash[:])
	signed.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(tbs) })
	signed.AddUint16(0) // no extensions
	input, err := signed.Bytes()
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256(input)
	sig, err := ecdsa.SignASN1(rand.Reader, s.ctKey, digest[:])
	if err != nil {
		return nil, err
	}
	var sct cryptobyte.Builder
	sct.AddUint8(0)
	sct.AddBytes(s.ctLogID[:])
	sct.AddUint64(timestamp)
	sct.AddUint16(0) // extensions
	sct.AddUint8(4)  // sha256
	sct.AddUint8(3)  // ecdsa
	sct.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(sig) })
	one, err := sct.Bytes()
	if err != nil {
		return nil, err
	}
	var list cryptobyte.Builder
	list.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(one) })
	})
	raw, err := list.Bytes()
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(raw)
}

// removeExtension re-encodes a DER TBSCertificate without the extension
// oid, the way a CT log rebuilds a precertificate's TBS.
func removeExtension(tbs []byte, oid asn1.ObjectIdentifier) ([]byte, error) {
	in := cryptobyte.String(tbs)
	var body cryptobyte.String
	if !in.ReadASN1(&body, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, errors.New("malformed TBSCertificate")
	}
	var out cryptobyte.Builder
	var err error
	out.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for !body.Empty() {
			var elem cryptobyte.String
			var tag cbasn1.Tag
			if !body.ReadAnyASN1Element(&elem, &tag) {
				err = errors.New("malformed TBSCertificate element")
				return
			}
			if tag != cbasn1.Tag(3).Constructed().ContextSpecific() {
				b.AddBytes(elem)
				continue
			}
			var exts cryptobyte.String
			if !elem.ReadASN1(&exts, tag) || !exts.ReadASN1(&exts, cbasn1.SEQUENCE) {
				err = errors.New("malformed extensions")
				return
			}
			b.AddASN1(tag, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					err = copyExtensionsExcept(b, exts, oid)
				})
			})
		}
	})
	if err != nil {
		return nil, err
	}
	return out.Bytes()
}

func copyExtensionsExcept(b *cryptobyte.Builder, exts cryptobyte.String, oid asn1.ObjectIdentifier) error {
	for !exts.Empty() {
		var ext, inner cryptobyte.String
		if !exts.ReadASN1Element(&ext, cbasn1.SEQUENCE) {
			return errors.New("malformed extension")
		}
		var id asn1.ObjectIdentifier
		inner = ext
		if !inner.ReadASN1(&inner, cbasn1.SEQUENCE) || !inner.ReadASN1ObjectIdentifier(&id) {
			return errors.New("malformed extension id")
		}
		if !id.Equal(oid) {
			b.AddBytes(ext)
		}
	}
	return nil
}

// sigstoreExt is one Sigstore OIDC extension, 1.3.6.1.4.1.57264.1.<n>,
// its value a DER UTF8String (n >= 8) or the raw string (n == 1, the
// deprecated issuer extension).
func sigstoreExt(n int, value string) (pkix.Extension, error) {
	id := append(asn1.ObjectIdentifier(nil), oidSigstore...)
	id = append(id, n)
	if n < 8 {
		return pkix.Extension{Id: id, Value: []byte(value)}, nil
	}
	v, err := asn1.MarshalWithParams(value, "utf8")
	return pkix.Extension{Id: id, Value: v}, err
}

// putUint32 is the 4-byte big-endian key hint of a signed note.
func putUint32(v uint32) []byte {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return b[:]
}
