package fakesigstore

import "crypto/sha256"

// RFC 6962 §2.1 hashing: leaves are prefixed with 0x00, nodes with 0x01.

func leafHash(data []byte) [32]byte {
	return sha256.Sum256(append([]byte{0}, data...))
}

func nodeHash(l, r [32]byte) [32]byte {
	b := make([]byte, 0, 65)
	b = append(b, 1)
	b = append(b, l[:]...)
	b = append(b, r[:]...)
	return sha256.Sum256(b)
}

// splitPoint is the largest power of two smaller than n (n > 1).
func splitPoint(n int) int {
	k := 1
	for k<<1 < n {
		k <<= 1
	}
	return k
}

// rootHash is MTH(D[n]) over leaf hashes.
func rootHash(leaves [][32]byte) [32]byte {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return leaves[0]
	}
	k := splitPoint(len(leaves))
	return nodeHash(rootHash(leaves[:k]), rootHash(leaves[k:]))
}

// inclusionProof is PATH(m, D[n]) (RFC 6962 §2.1.1), leaf to root.
func inclusionProof(m int, leaves [][32]byte) [][32]byte {
	if len(leaves) <= 1 {
		return nil
	}
	k := splitPoint(len(leaves))
	if m < k {
		return append(inclusionProof(m, leaves[:k]), rootHash(leaves[k:]))
	}
	return append(inclusionProof(m-k, leaves[k:]), rootHash(leaves[:k]))
}

// verifyInclusion recomputes the root from a leaf hash and its proof
// (RFC 9162 §2.1.3.2); the tests use it to check inclusionProof.
func verifyInclusion(index, size int, leaf [32]byte, proof [][32]byte) ([32]byte, bool) {
	if index >= size {
		return [32]byte{}, false
	}
	fn, sn := index, size-1
	r := leaf
	for _, p := range proof {
		if sn == 0 {
			return [32]byte{}, false
		}
		if fn&1 == 1 || fn == sn {
			r = nodeHash(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = nodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	return r, sn == 0
}
