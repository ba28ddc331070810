package fakesigstore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
)

// TestRootHashVectors checks MTH against RFC 6962's reference values
// (the 8-leaf test vectors of certificate-transparency, also used by
// transparency-dev/merkle).
func TestRootHashVectors(t *testing.T) {
	t.Parallel()
	inputs := []string{"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"}
	want := []string{
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	}
	var leaves [][32]byte
	for i, in := range inputs {
		b, _ := hex.DecodeString(in)
		leaves = append(leaves, leafHash(b))
		if got := rootHash(leaves); hex.EncodeToString(got[:]) != want[i] {
			t.Errorf("rootHash(%d leaves) = %x, want %s", i+1, got, want[i])
		}
	}
}

func TestInclusionProofs(t *testing.T) {
	t.Parallel()
	for size := 1; size <= 33; size++ {
		var leaves [][32]byte
		for i := range size {
			leaves = append(leaves, leafHash(fmt.Appendf(nil, "leaf %d", i)))
		}
		root := rootHash(leaves)
		for i := range size {
			got, ok := verifyInclusion(i, size, leaves[i], inclusionProof(i, leaves))
			if !ok || got != root {
				t.Errorf("inclusionProof(%d, %d leaves) does not lead to the root", i, size)
			}
		}
		if size > 1 {
			other := sha256.Sum256([]byte("x"))
			if got, _ := verifyInclusion(0, size, other, inclusionProof(0, leaves)); got == root {
				t.Errorf("a wrong leaf verified in a tree of %d", size)
			}
		}
	}
}
