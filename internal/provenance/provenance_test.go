package provenance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func serve(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL + "/")
	return &Client{HTTP: srv.Client(), Base: u, Timeout: 2 * time.Second}
}

func TestRelease(t *testing.T) {
	content := "wheel bytes"
	sum := sha256.Sum256([]byte(content))
	hexSum := hex.EncodeToString(sum[:])
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/pypi/demo/1.0/json":
			_, _ = fmt.Fprintf(w, `{"urls":[{"filename":"demo-1.0-py3-none-any.whl","url":"/files/demo-1.0-py3-none-any.whl","size":%d,"digests":{"sha256":%q}}]}`, len(content), hexSum)
		case "/files/demo-1.0-py3-none-any.whl":
			_, _ = fmt.Fprint(w, content)
		case "/integrity/demo/1.0/demo-1.0-py3-none-any.whl/provenance":
			_, _ = fmt.Fprint(w, `{"version":1}`)
		default:
			http.NotFound(w, r)
		}
	})
	ctx := context.Background()
	files, err := c.ReleaseFiles(ctx, "demo", "1.0")
	if err != nil || len(files) != 1 || files[0].SHA256 != hexSum || files[0].Size != int64(len(content)) {
		t.Fatalf("ReleaseFiles = %+v, %v", files, err)
	}
	got, err := c.SHA256(ctx, files[0])
	if err != nil || got != hexSum {
		t.Errorf("SHA256 = %s, %v; want %s", got, err, hexSum)
	}
	p, err := c.Provenance(ctx, "demo", "1.0", files[0].Filename)
	if err != nil || string(p) != `{"version":1}` {
		t.Errorf("Provenance = %s, %v", p, err)
	}
	if _, err := c.Provenance(ctx, "demo", "1.0", "other.whl"); !errors.Is(err, ErrNoProvenance) {
		t.Errorf("Provenance(missing) error = %v, want ErrNoProvenance", err)
	}
}

func TestHostileListings(t *testing.T) {
	sum := strings.Repeat("ab", 32)
	for name, body := range map[string]string{
		"not json":        `{"urls":`,
		"path in name":    `{"urls":[{"filename":"../x.whl","url":"/f","size":1,"digests":{"sha256":"` + sum + `"}}]}`,
		"no sha256":       `{"urls":[{"filename":"x.whl","url":"/f","size":1,"digests":{}}]}`,
		"upper sha256":    `{"urls":[{"filename":"x.whl","url":"/f","size":1,"digests":{"sha256":"` + strings.ToUpper(sum) + `"}}]}`,
		"odd scheme":      `{"urls":[{"filename":"x.whl","url":"file:///etc/passwd","size":1,"digests":{"sha256":"` + sum + `"}}]}`,
		"negative size":   `{"urls":[{"filename":"x.whl","url":"/f","size":-1,"digests":{"sha256":"` + sum + `"}}]}`,
		"too large":       `{"urls":[{"filename":"x.whl","url":"/f","size":1,"digests":{"sha256":"` + sum + `"}}],"pad":"` + strings.Repeat("x", maxListing) + `"}`,
		"control in name": `{"urls":[{"filename":"x\u001b[31m.whl","url":"/f","size":1,"digests":{"sha256":"` + sum + `"}}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			c := serve(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = fmt.Fprint(w, body) })
			if files, err := c.ReleaseFiles(context.Background(), "demo", "1.0"); err == nil {
				t.Errorf("ReleaseFiles = %+v, want an error", files)
			}
		})
	}
}

func TestDownloadBounded(t *testing.T) {
	for name, tc := range map[string]struct {
		body string
		size int64
	}{
		"longer than listed":  {"0123456789", 4},
		"shorter than listed": {"01", 4},
	} {
		t.Run(name, func(t *testing.T) {
			c := serve(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = fmt.Fprint(w, tc.body) })
			u := c.Base.JoinPath("f")
			if _, err := c.SHA256(context.Background(), ReleaseFile{Filename: "x.whl", URL: u, Size: tc.size}); err == nil {
				t.Error("SHA256 succeeded, want the size mismatch refused")
			}
		})
	}
}

func TestBadNames(t *testing.T) {
	c := &Client{Base: &url.URL{Scheme: "https", Host: "pypi.org", Path: "/"}}
	for _, nv := range [][2]string{{"../x", "1"}, {"x", "1/../../y"}, {"", "1"}, {"x", ""}} {
		if _, err := c.ReleaseFiles(context.Background(), nv[0], nv[1]); err == nil {
			t.Errorf("ReleaseFiles(%q, %q) succeeded", nv[0], nv[1])
		}
	}
}

// FuzzParseRelease: no listing, however hostile, panics, and every file
// it yields is usable: a plain name, a sha256, an http(s) URL, a size in
// range.
func FuzzParseRelease(f *testing.F) {
	f.Add(`{"urls":[{"filename":"x-1.0.tar.gz","url":"/f/x-1.0.tar.gz","size":3,"digests":{"sha256":"` + strings.Repeat("0", 64) + `"}}]}`)
	f.Add(`{"urls":[{"filename":"x","url":"//evil/x","size":1e30}]}`)
	f.Add(`{"urls":null}`)
	base, _ := url.Parse("https://pypi.org/pypi/x/1.0/json")
	f.Fuzz(func(t *testing.T, body string) {
		files, err := parseRelease([]byte(body), base)
		if err != nil {
			return
		}
		for _, fl := range files {
			if !plainName.MatchString(fl.Filename) || !isSHA256(fl.SHA256) || (fl.URL.Scheme != "https" && fl.URL.Scheme != "http") || fl.Size < 0 || fl.Size > maxFileSize {
				t.Errorf("unusable file %+v", fl)
			}
		}
	})
}
