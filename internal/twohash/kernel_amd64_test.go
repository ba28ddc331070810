//go:build !purego

package twohash

import (
	"testing"
	"unsafe"
)

// TestConstantsLayout: kernel_gen.go addresses the tables by these offsets.
func TestConstantsLayout(t *testing.T) {
	t.Parallel()
	var c kernelConstants
	var s kernelState
	got := []uintptr{unsafe.Offsetof(c.iv), unsafe.Offsetof(c.step), unsafe.Offsetof(c.k), unsafe.Offsetof(c.flip), unsafe.Offsetof(s.blake), unsafe.Offsetof(s.counter), unsafe.Offsetof(s.sha), unsafe.Offsetof(s.ordered)}
	want := []uintptr{0, 64, 96, 352, 0, 64, 96, 128}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("offsets %v, want %v: regenerate kernel_amd64.s (go generate ./internal/twohash)", got, want)
		}
	}
}
