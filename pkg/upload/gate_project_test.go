package upload

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/internal/testzip"
	"github.com/pyupload/pyupload/pkg/dist"
)

// TestNewProjectCreatedOnce: two new releases of a new project are
// published together; only one upload may create the project, so the
// second release's first file ends after the first release's, although
// here it is smaller and, sent alongside, would arrive first.
func TestNewProjectCreatedOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var ds []*dist.Dist
	for _, v := range []struct {
		version string
		size    int
	}{{"1.0", 4000}, {"2.0", 10}} {
		meta := []byte("Metadata-Version: 2.1\nName: twover\nVersion: " + v.version + "\nSummary: s\nDescription-Content-Type: text/plain\n\nbody\n")
		members := append([]testzip.Member{testzip.Stored("twover/data.bin", make([]byte, v.size))}, testzip.DistInfo("twover", v.version, meta)...)
		p := filepath.Join(dir, "twover-"+v.version+"-py3-none-any.whl")
		if err := os.WriteFile(p, testzip.Build(t, "", members...), 0o600); err != nil {
			t.Fatal(err)
		}
		d, err := dist.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	ix, srv := serveIndex(t, fakeindex.WithBandwidth(4000))
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithJobs(4))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := up.Upload(t.Context(), ds); err != nil {
		t.Fatalf("Upload() error = %v", err)
	}
	files := ix.Files()
	if len(files) != 2 || files[0].Version != "1.0" || !files[0].UploadTime.Before(files[1].UploadTime) {
		t.Errorf("stored %+v; want 1.0, then 2.0", files)
	}
	if p := ix.PeakInFlight(); p != 2 {
		t.Errorf("peak in flight = %d, want 2 (2.0 travels while 1.0 creates the project) after %v", p, time.Since(start))
	}
}
