package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"os"
	"strings"
	"testing"
)

func TestWheelIsStoredWithoutDataDescriptors(t *testing.T) {
	t.Parallel()
	d := distSpec{project: "bench-x", version: "1.0", platform: "manylinux_2_3_x86_64", payload: 100_000, seed: 7}
	path, err := d.write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = zr.Close() }()
	var record string
	hashes := map[string]string{}
	for _, f := range zr.File {
		if f.Method != zip.Store || f.Flags&0x8 != 0 {
			t.Errorf("%s: method %d, flags %#x; want stored without a data descriptor", f.Name, f.Method, f.Flags)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc) // checks the CRC too
		_ = rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		sum := sha256.Sum256(b)
		hashes[f.Name] = "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:])
		if strings.HasSuffix(f.Name, "RECORD") {
			record = string(b)
		}
	}
	if hashes["bench_x/payload.bin"] == "" || !strings.Contains(record, "bench_x/payload.bin,"+hashes["bench_x/payload.bin"]+",100000\n") {
		t.Errorf("RECORD %q does not hold the payload's hash", record)
	}
	if want := "bench_x-1.0-cp312-cp312-manylinux_2_3_x86_64.whl"; !strings.HasSuffix(path, want) {
		t.Errorf("path %s, want %s", path, want)
	}
}

func TestSdistHasPKGINFO(t *testing.T) {
	t.Parallel()
	d := distSpec{project: "bench-x", version: "1.0", payload: 5000, seed: 1, sdist: true}
	path, err := d.write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
	if got := strings.Join(names, ","); got != "bench_x-1.0/PKG-INFO,bench_x-1.0/pyproject.toml,bench_x-1.0/payload.bin" {
		t.Errorf("members %s", got)
	}
}
