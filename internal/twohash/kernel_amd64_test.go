//go:build gc && !purego

package twohash

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"unsafe"
)

// TestGeneratedKernelIsCurrent: kernel_amd64.s is what kernel_gen.go
// writes, so a change to the generator cannot ship without its output.
func TestGeneratedKernelIsCurrent(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "kernel.s")
	if msg, err := exec.CommandContext(t.Context(), "go", "run", "kernel_gen.go", "-out", out).CombinedOutput(); err != nil {
		t.Fatalf("go run kernel_gen.go: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("kernel_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("kernel_amd64.s differs from what kernel_gen.go writes: run go generate ./internal/twohash")
	}
}

// TestConstantsLayout: kernel_gen.go addresses the tables by these offsets.
func TestConstantsLayout(t *testing.T) {
	t.Parallel()
	var c kernelConstants
	var s kernelState
	got := []uintptr{unsafe.Offsetof(c.iv), unsafe.Offsetof(c.step), unsafe.Offsetof(c.k), unsafe.Offsetof(c.flip), unsafe.Offsetof(c.rot24), unsafe.Offsetof(c.rot16), unsafe.Offsetof(s.blake), unsafe.Offsetof(s.counter), unsafe.Offsetof(s.sha), unsafe.Offsetof(s.ordered), unsafe.Offsetof(s.shaSave)}
	want := []uintptr{0, 64, 96, 352, 368, 384, 0, 64, 96, 128, 3200}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("offsets %v, want %v: regenerate kernel_amd64.s (go generate ./internal/twohash)", got, want)
		}
	}
}
