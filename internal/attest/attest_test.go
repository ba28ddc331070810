package attest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pyupload/pyupload/pkg/dist"
)

func dists(n int) []*dist.Dist {
	var out []*dist.Dist
	for i := range n {
		out = append(out, &dist.Dist{Path: filepath.Join("dist", fmt.Sprintf("p-%d-py3-none-any.whl", i)), Digests: dist.Digests{SHA256: fmt.Sprintf("%064x", i)}})
	}
	return out
}

type recorder struct {
	mu    sync.Mutex
	files map[string]string
}

func (r *recorder) write(p string, b []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.files == nil {
		r.files = map[string]string{}
	}
	r.files[p] = string(b)
	return nil
}

func TestSignAllBounded(t *testing.T) {
	var running, peak atomic.Int32
	rec := &recorder{}
	cfg := Config{
		Jobs: 3, Dir: "out", WriteFile: rec.write,
		Sign: func(_ context.Context, name, sha string) ([]byte, error) {
			n := running.Add(1)
			defer running.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			return fmt.Appendf(nil, `{"name":%q,"sha":%q}`, name, sha), nil
		},
		Verify: func(b []byte, name, sha string) error {
			if string(b) != fmt.Sprintf(`{"name":%q,"sha":%q}`, name, sha) {
				return errors.New("mismatch")
			}
			return nil
		},
	}
	ds := dists(20)
	got, err := Sign(context.Background(), cfg, ds)
	if err != nil {
		t.Fatal(err)
	}
	if peak.Load() > 3 {
		t.Errorf("%d signed at once, want at most 3", peak.Load())
	}
	for _, d := range ds {
		want := fmt.Sprintf(`{"name":%q,"sha":%q}`, filepath.Base(d.Path), d.SHA256)
		if string(got[d.Path]) != want {
			t.Errorf("%s: %s, want %s", d.Path, got[d.Path], want)
		}
		if f := rec.files[filepath.Join("out", filepath.Base(d.Path)+Suffix)]; f != want+"\n" {
			t.Errorf("%s: written %q", d.Path, f)
		}
	}
}

func TestSignFailureWritesNothing(t *testing.T) {
	for _, stage := range []string{"signing", "verifying"} {
		t.Run(stage, func(t *testing.T) {
			rec := &recorder{}
			boom := errors.New("boom")
			cfg := Config{
				Jobs: 2, Dir: "out", WriteFile: rec.write,
				Sign: func(_ context.Context, name, _ string) ([]byte, error) {
					if stage == "signing" && name == "p-5-py3-none-any.whl" {
						return nil, boom
					}
					return []byte(name), nil
				},
				Verify: func(b []byte, name, _ string) error {
					if stage == "verifying" && name == "p-5-py3-none-any.whl" {
						return boom
					}
					return nil
				},
			}
			_, err := Sign(context.Background(), cfg, dists(10))
			var fe *FileError
			if !errors.As(err, &fe) || fe.Stage != stage || !errors.Is(err, boom) || fe.Path != filepath.Join("dist", "p-5-py3-none-any.whl") {
				t.Fatalf("err = %v, want the %s failure of p-5 named", err, stage)
			}
			if len(rec.files) != 0 {
				t.Errorf("wrote %d files after a failure", len(rec.files))
			}
		})
	}
}
