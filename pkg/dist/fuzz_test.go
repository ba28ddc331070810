package dist

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/testzip"
)

// seedDists adds every committed distribution (good and malformed) to the
// corpus of f through add.
func seedDists(f *testing.F, add func(name string, data []byte)) {
	f.Helper()
	for _, dir := range []string{goodDir, badDir} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() == "README.md" {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			add(e.Name(), data)
		}
	}
}

func FuzzParseFilename(f *testing.F) {
	seedDists(f, func(name string, _ []byte) { f.Add(name) })
	for _, s := range []string{"a-1-py3-none-any.whl", "a-1.zip", "a.tar.gz", "-.whl", "a-1-2-3-4-5-6.whl"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		fn, err := ParseFilename(name)
		if err != nil {
			if !isOwnError(err) {
				t.Fatalf("ParseFilename(%q) error = %v, not a dist error", name, err)
			}
			return
		}
		if fn.Kind == Wheel && (len(fn.PythonTags) == 0 || len(fn.ABITags) == 0 || len(fn.PlatformTags) == 0) {
			t.Fatalf("ParseFilename(%q) = %+v, a wheel without tags", name, fn)
		}
	})
}

// FuzzParseMetadata is seeded with the metadata of every committed
// distribution and with the texts in testdata/fuzz/FuzzParseMetadata,
// which internal/fakeindex's agreement test also runs through the client
// and the test index.
func FuzzParseMetadata(f *testing.F) {
	seedDists(f, func(name string, data []byte) {
		d, err := Read(bytes.NewReader(data), int64(len(data)), name)
		if err == nil {
			f.Add([]byte(metadataText(d.Metadata)))
		}
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMetadata(data)
		if err != nil {
			if !isOwnError(err) {
				t.Fatalf("ParseMetadata error = %v, not a dist error", err)
			}
			return
		}
		// Checking must not panic on anything the parser accepts.
		_ = Check(&Dist{Filename: &Filename{Base: "x-1.tar.gz", Kind: Sdist, Name: "x", Version: "1"}, Metadata: m})
		_ = m.FormFields()
	})
}

// metadataText renders parsed metadata back into header form, giving the
// metadata fuzzer well-formed seeds.
func metadataText(m *Metadata) string {
	var b strings.Builder
	for i := range Fields {
		if Fields[i].Header == "Description" {
			continue
		}
		for _, v := range Fields[i].Values(m) {
			b.WriteString(Fields[i].Header + ": " + v + "\n")
		}
	}
	b.WriteString("\n" + m.Description)
	return b.String()
}

func FuzzRead(f *testing.F) {
	seedDists(f, func(name string, data []byte) { f.Add(name, data) })
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		d, err := Read(bytes.NewReader(data), int64(len(data)), name)
		if err != nil {
			if !isOwnError(err) {
				t.Fatalf("Read(%q) error = %v (%T), not a dist error", name, err, err)
			}
			return
		}
		_ = Check(d)
		_ = CheckBatch([]*Dist{d, d})
	})
}

// FuzzScanArchive feeds archives to the one-pass read as a wheel or an
// sdist, seeded with the malformed corpus and the committed dists: it
// must never panic, fail only with this package's errors, and give the
// same digests as Digest alone when it accepts.
func FuzzScanArchive(f *testing.F) {
	for _, c := range append(testzip.ZipCases(), testzip.TarCases(f)...) {
		f.Add(strings.HasSuffix(c.Filename, ".whl"), c.Content)
	}
	seedDists(f, func(name string, data []byte) { f.Add(strings.HasSuffix(name, ".whl"), data) })
	f.Fuzz(func(t *testing.T, wheel bool, data []byte) {
		name := "m-1.0.tar.gz"
		if wheel {
			name = "m-1.0-py3-none-any.whl"
		}
		d, err := Read(bytes.NewReader(data), int64(len(data)), name)
		if err != nil {
			if !isOwnError(err) {
				t.Fatalf("Read(%s) error = %v (%T), not a dist error", name, err, err)
			}
			return
		}
		want, _ := Digest(bytes.NewReader(data))
		if d.Digests != want {
			t.Fatalf("Read(%s) digests = %+v, Digest = %+v", name, d.Digests, want)
		}
	})
}
