package readapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/readapi"
)

// TestLookupReadsStatusAndUploadTimes: the project's status comes from
// PEP 691 JSON or the HTML page's meta; the release's first upload time
// from the files' upload times; the index's clock from Date. A hostile
// value is unknown, never an error.
func TestLookupReadsStatusAndUploadTimes(t *testing.T) {
	t.Parallel()
	early := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tt := range []struct {
		name, ctype, page string
		status            string
		first             time.Time
	}{
		{"PEP 691", "application/vnd.pypi.simple.v1+json",
			fmt.Sprintf(`{"meta":{"api-version":"1.4"},"project-status":{"status":"archived"},"files":[`+
				`{"filename":"pkg-1.0.tar.gz","hashes":{"sha256":"%s"},"upload-time":"2026-01-02T03:04:05.000000Z"},`+
				`{"filename":"pkg-1.0-py3-none-any.whl","hashes":{},"upload-time":"2026-02-02T03:04:05Z"},`+
				`{"filename":"pkg-0.9.tar.gz","hashes":{},"upload-time":"2025-01-01T00:00:00Z"}]}`, shaA),
			readapi.StatusArchived, early},
		{"PEP 503 with status meta", "text/html",
			`<html><head><meta name="pypi:repository-version" content="1.4"><meta name="pypi:project-status" content="quarantined"></head><body></body></html>`,
			readapi.StatusQuarantined, time.Time{}},
		{"hostile values", "application/vnd.pypi.simple.v1+json",
			`{"meta":{"api-version":"1.4"},"project-status":{"status":"burning"},"files":[{"filename":"pkg-1.0.tar.gz","hashes":{},"upload-time":{"a":[1]}},{"filename":"pkg-1.0-py3-none-any.whl","hashes":{},"upload-time":"yesterday"}]}`,
			"", time.Time{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.Header().Set("Date", "Sun, 29 Nov 2026 10:00:00 GMT")
				_, _ = fmt.Fprint(w, tt.page)
			}))
			t.Cleanup(srv.Close)
			check, _ := url.Parse(srv.URL + "/simple/")
			r := readapi.New(readapi.Config{Client: srv.Client(), Endpoint: check, CheckURL: check})
			l, err := r.Lookup(t.Context(), query)
			if err != nil || l == nil {
				t.Fatalf("Lookup() = %v, %v", l, err)
			}
			if l.Status != tt.status || !l.FirstUpload.Equal(tt.first) {
				t.Errorf("status %q, first upload %v; want %q, %v", l.Status, l.FirstUpload, tt.status, tt.first)
			}
			if want := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC); !l.AnsweredAt.Equal(want) {
				t.Errorf("answered at %v, want %v", l.AnsweredAt, want)
			}
		})
	}
}
