package preflight

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	good = "../../testdata/dists/good/"
	bad  = "../../testdata/dists/bad/"
)

// distDir makes a directory holding copies of good dists and the files
// that sit beside them in a real dist/ (signatures, attestations, a
// .gitignore, a subdirectory named like a wheel).
func distDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"pyupload_mv22-2.2-py3-none-any.whl", "pyupload_mv22-2.2.tar.gz"} {
		b, err := os.ReadFile(good + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".asc"), []byte("sig"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("*\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub-1.0-py3-none-any.whl"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestExpand(t *testing.T) {
	t.Parallel()
	dir := distDir(t)
	whl := filepath.Join(dir, "pyupload_mv22-2.2-py3-none-any.whl")
	sdist := filepath.Join(dir, "pyupload_mv22-2.2.tar.gz")
	empty := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		want    []string
		wantErr string
	}{
		{"a directory's distributions, sorted", []string{dir}, []string{whl, sdist}, ""},
		{"a pattern skips companions and directories", []string{dir + "/*"}, []string{whl, sdist}, ""},
		{"each path once, in the order given", []string{sdist, dir + "/*", whl}, []string{sdist, whl}, ""},
		{"a named path is kept (opening it explains)", []string{dir + "/x.txt"}, []string{dir + "/x.txt"}, ""},
		{"a pattern matching nothing", []string{dir + "/*.nothing"}, nil, "cannot find file (or expand pattern)"},
		{"a directory without distributions", []string{empty}, nil, "no distributions (.whl, .tar.gz) in directory"},
		{"a bad pattern", []string{dir + "/[x"}, nil, "bad pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Expand(tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Expand(%v) error = %v, want %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Expand(%v) error = %v", tt.args, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Expand(%v) (-want +got):\n%s", tt.args, diff)
			}
		})
	}
	if _, err := Expand([]string{"[x"}); !isPatternError(err) {
		t.Errorf("Expand([x) error = %v, want a *PatternError", err)
	}
}

func isPatternError(err error) bool {
	_, ok := errors.AsType[*PatternError](err)
	return ok
}

func TestCheck(t *testing.T) {
	t.Parallel()
	args := []string{good + "pyupload_mv24-2.4-py3-none-any.whl", bad + "name_mismatch-1.0-py3-none-any.whl", bad + "not_a_zip-1.0-py3-none-any.whl", good + "pyupload_mv1*"}
	r, err := Check(t.Context(), args, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Results) != 6 || !r.Failed() {
		t.Fatalf("Check() = %d results, failed %v; want 6 and failed", len(r.Results), r.Failed())
	}
	var failing []string
	for _, c := range r.Failing() {
		failing = append(failing, filepath.Base(c.Path))
	}
	if diff := cmp.Diff([]string{"name_mismatch-1.0-py3-none-any.whl", "not_a_zip-1.0-py3-none-any.whl"}, failing); diff != "" {
		t.Errorf("Failing() (-want +got):\n%s", diff)
	}
	if n := len(r.Dists()); n != 5 {
		t.Errorf("Dists() = %d dists, want 5 (all but the unreadable one)", n)
	}
	// The MV 1.x files warn: strict fails them.
	strict, err := Check(t.Context(), []string{good + "pyupload_mv1*"}, true)
	if err != nil {
		t.Fatal(err)
	}
	lax, err := Check(t.Context(), []string{good + "pyupload_mv1*"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strict.Failed() || lax.Failed() {
		t.Errorf("MV 1.x: strict failed %v, lax failed %v; want true, false", strict.Failed(), lax.Failed())
	}
}

// TestCheckBatchRules: a rule that spans files (one sdist per release)
// lands on the files it concerns.
func TestCheckBatchRules(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b, err := os.ReadFile(good + "pyupload_mv22-2.2.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "pyupload_mv22-2.2.tar.gz")
	if err := os.WriteFile(other, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Check(t.Context(), []string{good + "pyupload_mv22-2.2.tar.gz", other}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Failed() || !strings.Contains(r.Results[1].Problems[len(r.Results[1].Problems)-1].Message, "the same file name is also given as") {
		t.Errorf("Check(same name twice) = %+v, want the second refused", r.Results)
	}
}

func TestCheckCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Check(ctx, []string{good}, false); !errors.Is(err, context.Canceled) {
		t.Errorf("Check(canceled) error = %v, want context.Canceled", err)
	}
}

func TestAttestations(t *testing.T) {
	t.Parallel()
	dir := distDir(t)
	r, err := Check(t.Context(), []string{dir}, false)
	if err != nil || r.Failed() {
		t.Fatalf("Check() = %v, %v", r, err)
	}
	dists := r.Dists()
	if _, err := Attestations(dists, nil); err == nil || !strings.Contains(err.Error(), "no pyupload_mv22-2.2-py3-none-any.whl.*.attestation file beside it") {
		t.Errorf("Attestations(none) error = %v, want the missing file named", err)
	}
	for _, d := range dists {
		if err := os.WriteFile(d.Path+".publish.attestation", []byte("{\n  \"version\": 1\n}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Attestations(dists, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got[dists[0].Path] != `[{"version":1}]` {
		t.Errorf("Attestations() = %v, want compact JSON arrays", got)
	}
	if err := os.WriteFile(dists[0].Path+".slsa.attestation", []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Attestations(dists, nil); err == nil || !strings.Contains(err.Error(), "not a JSON attestation object") {
		t.Errorf("Attestations(bad JSON) error = %v", err)
	}
}

// TestAttestationsNamedElsewhere: an attestation named on the command line
// counts for its dist wherever it is, and one also beside the dist is sent
// once.
func TestAttestationsNamedElsewhere(t *testing.T) {
	t.Parallel()
	dir := distDir(t)
	whl := filepath.Join(dir, "pyupload_mv22-2.2-py3-none-any.whl")
	other := filepath.Join(t.TempDir(), "pyupload_mv22-2.2-py3-none-any.whl.publish.attestation")
	beside := whl + ".slsa.attestation"
	for _, p := range []string{other, beside} {
		if err := os.WriteFile(p, []byte(`{"version": 1}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Check(t.Context(), []string{whl, other, beside}, false)
	if err != nil || r.Failed() {
		t.Fatalf("Check() = %v, %v", r, err)
	}
	got, err := Attestations(r.Dists(), r.Attestations)
	if err != nil {
		t.Fatal(err)
	}
	if want := `[{"version":1},{"version":1}]`; got[whl] != want {
		t.Errorf("Attestations() = %v, want %s: the named one and the one beside, each once", got, want)
	}
}

// TestSplitCompanions: signatures and attestations are companions of their
// dist, the same whether a directory, a pattern or the shell's expansion
// of it names them; one named explicitly must have its dist among the
// inputs.
func TestSplitCompanions(t *testing.T) {
	t.Parallel()
	dir := distDir(t)
	whl := filepath.Join(dir, "pyupload_mv22-2.2-py3-none-any.whl")
	sdist := filepath.Join(dir, "pyupload_mv22-2.2.tar.gz")
	att := whl + ".publish.attestation"
	orphan := filepath.Join(dir, "gone-1.0-py3-none-any.whl.publish.attestation")
	for _, p := range []string{att, orphan, filepath.Join(dir, "README.asc")} {
		if err := os.WriteFile(p, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// What the shell passes for dist/* (its own files only).
	shell := []string{whl, whl + ".asc", att, sdist, sdist + ".asc"}
	full := &Inputs{
		Dists:        []string{whl, sdist},
		Signatures:   []string{whl + ".asc", sdist + ".asc"},
		Attestations: map[string][]string{"pyupload_mv22-2.2-py3-none-any.whl": {att}},
	}
	tests := []struct {
		name    string
		args    []string
		want    *Inputs
		wantErr *CompanionError
	}{
		{"a directory", []string{dir}, full, nil},
		{"a pattern", []string{dir + "/*"}, full, nil},
		{"the shell's expansion", shell, full, nil},
		{"a dist and its signature", []string{whl + ".asc", whl}, &Inputs{Dists: []string{whl}, Signatures: []string{whl + ".asc"}, Attestations: map[string][]string{}}, nil},
		{"an attestation whose dist is not given", []string{whl, orphan}, nil, &CompanionError{Path: orphan, Dist: "gone-1.0-py3-none-any.whl"}},
		{"a signature whose dist is not given", []string{whl, sdist + ".asc"}, nil, &CompanionError{Path: sdist + ".asc", Dist: "pyupload_mv22-2.2.tar.gz"}},
		{"a name that says no dist", []string{whl, filepath.Join(dir, "README.asc")}, nil, &CompanionError{Path: filepath.Join(dir, "README.asc")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Split(tt.args)
			if tt.wantErr != nil {
				ce, ok := errors.AsType[*CompanionError](err)
				if !ok || *ce != *tt.wantErr {
					t.Fatalf("Split(%v) error = %v, want %v", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Split(%v) error = %v", tt.args, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Split(%v) (-want +got):\n%s", tt.args, diff)
			}
		})
	}
	if _, err := Split([]string{whl, whl + ".nothing.attestation"}); err == nil || !strings.Contains(err.Error(), "cannot find file") {
		t.Errorf("Split(a missing attestation) error = %v, want it not found", err)
	}
}
