package upload

import (
	"fmt"
	"slices"
	"testing"

	"github.com/pyupload/pyupload/internal/readapi"
	"github.com/pyupload/pyupload/pkg/dist"
)

// TestSchedule: each new release opens with its smallest wheel, alone;
// the rest go wheels first, largest first; a release the index has
// already needs no opener.
func TestSchedule(t *testing.T) {
	t.Parallel()
	type file struct {
		name string
		size int64
	}
	tests := []struct {
		name        string
		files       []file
		existing    map[string]bool // release (name-version) → on the index
		first, rest []string
	}{
		{
			name:  "smallest wheel opens, rest largest first, sdist last",
			files: []file{{"p-1.0.tar.gz", 1}, {"p-1.0-1-py3-none-any.whl", 30}, {"p-1.0-2-py3-none-any.whl", 10}, {"p-1.0-3-py3-none-any.whl", 20}, {"p-1.0-4-py3-none-any.whl", 40}},
			first: []string{"p-1.0-2-py3-none-any.whl"},
			rest:  []string{"p-1.0-4-py3-none-any.whl", "p-1.0-1-py3-none-any.whl", "p-1.0-3-py3-none-any.whl", "p-1.0.tar.gz"},
		},
		{
			name:  "an sdist alone opens its release",
			files: []file{{"p-1.0.tar.gz", 5}, {"p-1.0.zip", 3}},
			first: []string{"p-1.0.zip"},
			rest:  []string{"p-1.0.tar.gz"},
		},
		{
			name:     "an existing release has no opener",
			files:    []file{{"p-1.0-1-py3-none-any.whl", 1}, {"p-1.0-2-py3-none-any.whl", 2}},
			existing: map[string]bool{"p-1.0": true},
			rest:     []string{"p-1.0-2-py3-none-any.whl", "p-1.0-1-py3-none-any.whl"},
		},
		{
			name:  "one opener per release",
			files: []file{{"p-1.0-1-py3-none-any.whl", 9}, {"q-2.0-1-py3-none-any.whl", 8}, {"p-1.0-2-py3-none-any.whl", 7}, {"q-2.0-2-py3-none-any.whl", 6}},
			first: []string{"p-1.0-2-py3-none-any.whl", "q-2.0-2-py3-none-any.whl"},
			rest:  []string{"p-1.0-1-py3-none-any.whl", "q-2.0-1-py3-none-any.whl"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var files []*dist.Dist
			var pending []int
			for i, f := range tt.files {
				fn, err := dist.ParseFilename(f.name)
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, &dist.Dist{Filename: fn, Metadata: &dist.Metadata{Name: fn.Name, Version: fn.Version}, Digests: dist.Digests{Size: f.size, SHA256: fmt.Sprint(i)}})
				pending = append(pending, i)
			}
			releases, of := groupReleases(files)
			for _, r := range releases {
				if tt.existing[r.name+"-"+r.version] {
					r.listing = &readapi.Listing{ReleaseFiles: 1}
				}
			}
			first, rest := schedule(files, pending, of)
			names := func(idx []int) []string {
				var out []string
				for _, i := range idx {
					out = append(out, files[i].Filename.Base)
				}
				return out
			}
			if got := names(first); !slices.Equal(got, tt.first) {
				t.Errorf("first = %q, want %q", got, tt.first)
			}
			if got := names(rest); !slices.Equal(got, tt.rest) {
				t.Errorf("rest = %q, want %q", got, tt.rest)
			}
		})
	}
}
