package rst_test

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/pkg/dist"
)

// corpusRoots are where Debian installs Python distributions' metadata.
var corpusRoots = []string{"/usr/lib/python3/dist-packages", "/usr/share/python-wheels"}

// describedText is one real description and where it came from.
type describedText struct {
	source string
	text   string
}

// installedDescriptions collects every reStructuredText long description
// (no Description-Content-Type, or text/x-rst) of the distributions
// installed on this machine, once each, in a stable order.
func installedDescriptions(t *testing.T) []describedText {
	t.Helper()
	var files []string
	for _, root := range corpusRoots {
		for _, pat := range []string{"*.dist-info/METADATA", "*.egg-info/PKG-INFO", "*.egg-info"} {
			m, _ := filepath.Glob(filepath.Join(root, pat))
			files = append(files, m...)
		}
	}
	slices.Sort(files)
	seen := map[string]bool{}
	var out []describedText
	add := func(source string, data []byte) {
		m, err := dist.ParseMetadata(data)
		if err != nil || !isRST(m) || seen[m.Description] {
			return
		}
		seen[m.Description] = true
		out = append(out, describedText{source, m.Description})
	}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.IsDir() {
			continue
		}
		if data, err := os.ReadFile(f); err == nil {
			add(f, data)
		}
	}
	wheels, _ := filepath.Glob("/usr/share/python-wheels/*.whl")
	for _, w := range wheels {
		if data, err := wheelMetadata(w); err == nil {
			add(w, data)
		}
	}
	return out
}

// isRST says whether PyPI renders m's description as reStructuredText.
func isRST(m *dist.Metadata) bool {
	if d := strings.TrimSpace(m.Description); d == "" || d == "UNKNOWN" {
		return false
	}
	ctype, _, _ := strings.Cut(m.DescriptionContentType, ";")
	ctype = strings.ToLower(strings.TrimSpace(ctype))
	return ctype == "" || ctype == "text/x-rst"
}

func wheelMetadata(path string) ([]byte, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = zr.Close() }()
	for _, f := range zr.File {
		dir, name := filepath.Split(f.Name)
		if name == "METADATA" && strings.HasSuffix(filepath.Clean(dir), ".dist-info") && strings.Count(f.Name, "/") == 1 {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer func() { _ = rc.Close() }()
			return io.ReadAll(io.LimitReader(rc, 16<<20))
		}
	}
	return nil, os.ErrNotExist
}
