package sigstore

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"time"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// oidSCTList is the X.509 extension of embedded SCTs (RFC 6962 §3.3).
var oidSCTList = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 2}

// verifySCT checks that one of the leaf's embedded SCTs is signed by a CT
// log of root, valid when the entry was logged, over the precertificate
// (RFC 6962 §3.2: the leaf's TBSCertificate without the SCT extension,
// with the issuer's key hash).
func verifySCT(leaf, issuer *x509.Certificate, root *TrustedRoot, when time.Time) error {
	var extValue []byte
	for _, ext := range leaf.Extensions {
		if ext.Id.Equal(oidSCTList) {
			extValue = ext.Value
		}
	}
	if extValue == nil {
		return failf(CheckSCT, nil, "the certificate has no embedded SCT")
	}
	var list []byte
	if rest, err := asn1.Unmarshal(extValue, &list); err != nil || len(rest) != 0 {
		return failf(CheckSCT, err, "the SCT list is not an OCTET STRING")
	}
	tbs, err := precertTBS(leaf.RawTBSCertificate)
	if err != nil {
		return failf(CheckSCT, err, "rebuilding the precertificate")
	}
	keyHash := sha256.Sum256(issuer.RawSubjectPublicKeyInfo)
	in := cryptobyte.String(list)
	var scts cryptobyte.String
	if !in.ReadUint16LengthPrefixed(&scts) || !in.Empty() {
		return failf(CheckSCT, nil, "malformed SCT list")
	}
	for !scts.Empty() {
		var sct cryptobyte.String
		if !scts.ReadUint16LengthPrefixed(&sct) {
			return failf(CheckSCT, nil, "malformed SCT list")
		}
		if checkOneSCT(sct, tbs, keyHash[:], root, when) {
			return nil
		}
	}
	return failf(CheckSCT, nil, "no embedded SCT verifies with a CT log of the trusted root")
}

func checkOneSCT(sct cryptobyte.String, tbs, keyHash []byte, root *TrustedRoot, when time.Time) bool {
	var version, hashAlg, sigAlg uint8
	var logID []byte
	var ts uint64
	var exts, sig cryptobyte.String
	if !sct.ReadUint8(&version) || version != 0 || !sct.ReadBytes(&logID, 32) || !sct.ReadUint64(&ts) ||
		!sct.ReadUint16LengthPrefixed(&exts) || !sct.ReadUint8(&hashAlg) || !sct.ReadUint8(&sigAlg) ||
		!sct.ReadUint16LengthPrefixed(&sig) || !sct.Empty() {
		return false
	}
	log := findLog(root.CTLogs, logID)
	if log == nil || !validAt(log.Start, log.End, when) {
		return false
	}
	var b cryptobyte.Builder
	b.AddUint8(0) // v1
	b.AddUint8(0) // certificate_timestamp
	b.AddUint64(ts)
	b.AddUint16(1) // precert_entry
	b.AddBytes(keyHash)
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(tbs) })
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(exts) })
	signed, err := b.Bytes()
	if err != nil {
		return false
	}
	return verifyWith(log.Key, signed, sig)
}

// precertTBS returns a TBSCertificate without its SCT list extension.
func precertTBS(raw []byte) ([]byte, error) {
	in := cryptobyte.String(raw)
	var tbs cryptobyte.String
	if !in.ReadASN1(&tbs, casn1.SEQUENCE) || !in.Empty() {
		return nil, ErrMalformed
	}
	extsTag := casn1.Tag(3).Constructed().ContextSpecific()
	var b cryptobyte.Builder
	var bad bool
	b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for !tbs.Empty() {
			var elem cryptobyte.String
			var tag casn1.Tag
			if !tbs.ReadAnyASN1Element(&elem, &tag) {
				bad = true
				return
			}
			if tag != extsTag {
				b.AddBytes(elem)
				continue
			}
			var outer, exts cryptobyte.String
			if !elem.ReadASN1(&outer, extsTag) || !outer.ReadASN1(&exts, casn1.SEQUENCE) {
				bad = true
				return
			}
			b.AddASN1(extsTag, func(b *cryptobyte.Builder) {
				b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { bad = bad || copyExtensions(b, exts) })
			})
		}
	})
	out, err := b.Bytes()
	if bad || err != nil {
		return nil, ErrMalformed
	}
	return out, nil
}

// copyExtensions adds every extension but the SCT list; true if malformed.
func copyExtensions(b *cryptobyte.Builder, exts cryptobyte.String) bool {
	for !exts.Empty() {
		var ext, body cryptobyte.String
		var oid asn1.ObjectIdentifier
		if !exts.ReadASN1Element(&ext, casn1.SEQUENCE) {
			return true
		}
		e := ext
		if !e.ReadASN1(&body, casn1.SEQUENCE) || !body.ReadASN1ObjectIdentifier(&oid) {
			return true
		}
		if !oid.Equal(oidSCTList) {
			b.AddBytes(ext)
		}
	}
	return false
}
