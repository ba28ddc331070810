package upload

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// listWheel answers a simple page that lists wheelName with its sha256.
func listWheel(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	w.Header().Set("Content-Type", "text/html")
	_, _ = w.Write([]byte(`<a href="x#sha256=` + openDist(t, wheelName).SHA256 + `">` + wheelName + `</a>`))
}

// TestUploadAnswer: what each upload API answers for a stored file counts;
// a web page does not.
func TestUploadAnswer(t *testing.T) {
	tests := []struct {
		name, ctype, body string
		evidence          bool
	}{
		{"PyPI, JSON", "application/json", `{"message": "", "code": "200 OK", "title": "OK"}`, true},
		{"PyPI, HTML", "text/html; charset=UTF-8", "<html>\n <head>\n  <title>200 OK</title>\n </head>\n <body>\n  <h1>200 OK</h1>\n </body>\n</html>", true},
		{"PyPI, plain text", "text/plain; charset=UTF-8", "200 OK\n\n\n\n", true},
		{"Gitea and most registries: empty", "", "", true},
		{"empty but for white space", "text/html", " \n", true},
		{"GitLab", "application/json", `{"message":"201 Created"}`, true},
		{"a wrong URL's web page", "text/html; charset=utf-8", "<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body>...</body></html>", false},
		{"a login page", "text/html", "<html><head><meta http-equiv=\"refresh\" content=\"0; url=/login\"><title>Sign in</title></head></html>", false},
		{"HTML without a content type", "", "<html><body>hello</body></html>", false},
		{"broken JSON", "application/json", "{\"message\": ", false},
		{"a proxy's JSON error", "application/json", `{"error": "login required"}`, false},
		{"a JSON status that is no success", "application/json", `{"code": "401 Unauthorized", "message": "x"}`, false},
		{"devpi's identical re-upload", "application/json", `{"message": "Upload of identical file to non volatile index."}`, true},
		{"a registry's JSON about the file", "application/json", `{"repo": "pypi-local", "path": "/p/1.0/p-1.0.tar.gz"}`, true},
		{"plain OK", "text/plain", "OK", true},
		{"a plain-text page", "text/plain", "Please sign in to continue", false},
		{"a misspelt PyPI status", "text/plain", "200 OKAY", true},
		{"an image", "image/png", "\x89PNG", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: 200, Header: http.Header{}}
			if tt.ctype != "" {
				resp.Header.Set("Content-Type", tt.ctype)
			}
			err := uploadAnswer(resp, []byte(tt.body), "index.example", false)
			if (err == nil) != tt.evidence {
				t.Errorf("uploadAnswer = %v, want evidence %v", err, tt.evidence)
			}
			// PyPI's software answers with its own document only.
			pypi := strings.HasPrefix(tt.name, "PyPI")
			if err := uploadAnswer(resp, []byte(tt.body), "upload.pypi.org", true); (err == nil) != pypi {
				t.Errorf("from Warehouse: uploadAnswer = %v, want evidence %v", err, pypi)
			}
		})
	}
}

// TestWebPageIsNotAnUpload: a 200 web page fails the file, unless the read
// API shows the file arrived after all; it is never retried.
func TestWebPageIsNotAnUpload(t *testing.T) {
	t.Parallel()
	for _, listed := range []bool{false, true} {
		t.Run(map[bool]string{false: "nothing stored", true: "the read API lists it"}[listed], func(t *testing.T) {
			t.Parallel()
			var posts int
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					posts++
					w.Header().Set("Content-Type", "text/html")
					_, _ = w.Write([]byte("<html><head><title>Sign in · Registry</title></head></html>"))
					return
				}
				if listed && posts > 0 && strings.HasPrefix(r.URL.Path, "/repo/simple/") {
					listWheel(t, w)
					return
				}
				http.NotFound(w, r)
			}))
			t.Cleanup(srv.Close)
			res, err := uploadTo(t, srv.URL+"/repo/", []string{wheelName})
			if posts != 1 {
				t.Errorf("%d POSTs, want 1 (a web page is final)", posts)
			}
			if listed {
				if err != nil || res[0].Status != Uploaded || res[0].Evidence != ReadAPI {
					t.Errorf("Upload = %v (%v), %v; want uploaded on the read API's word", res[0].Status, res[0].Evidence, err)
				}
				return
			}
			na, ok := errors.AsType[*NotUploadAnswerError](err)
			if !ok || na.Title != "Sign in · Registry" || res[0].Status != Unknown || res[0].IndexHasName() {
				t.Errorf("Upload = %v, %v; want a NotUploadAnswerError naming the page", res[0].Status, err)
			}
		})
	}
}

// TestInterruptAfterTheBodyWasSent: a file whose whole body had been sent
// when the run was interrupted is "unknown", not "canceled"; the read API,
// asked briefly afterwards, turns it into "uploaded" when it lists it.
func TestInterruptAfterTheBodyWasSent(t *testing.T) {
	t.Parallel()
	for _, stored := range []bool{false, true} {
		t.Run(map[bool]string{false: "the read API cannot tell", true: "the read API lists it"}[stored], func(t *testing.T) {
			t.Parallel()
			received := make(chan struct{}, 1)
			var got atomic.Bool
			sha := openDist(t, wheelName).SHA256
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					_, _ = io.Copy(io.Discard, r.Body)
					got.Store(true)
					received <- struct{}{}
					<-r.Context().Done() // the index stores it and never answers
					return
				}
				if stored && got.Load() && strings.HasPrefix(r.URL.Path, "/repo/simple/") {
					_, _ = w.Write([]byte(`<a href="x#sha256=` + sha + `">` + wheelName + `</a>`))
					return
				}
				http.NotFound(w, r)
			}))
			t.Cleanup(srv.Close)
			ctx, cancel := context.WithCancel(t.Context())
			go func() { <-received; cancel() }()
			up, err := New(http.DefaultClient, mustURL(t, srv.URL+"/repo/"), WithCredentials(creds))
			if err != nil {
				t.Fatal(err)
			}
			res, err := up.Upload(ctx, goodDists(t, wheelName))
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Upload error = %v, want context.Canceled", err)
			}
			want := map[bool]Status{false: Unknown, true: Uploaded}[stored]
			if res[0].Status != want {
				t.Errorf("status %v (%v), want %v", res[0].Status, res[0].Err, want)
			}
		})
	}
}

// TestLostAnswerThenFinalRefusal: a retry refused for good after an
// attempt whose whole request left and whose answer was lost does not make
// the file "not on the index": the lost attempt may have stored it.
func TestLostAnswerThenFinalRefusal(t *testing.T) {
	t.Parallel()
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.NotFound(w, r) // no read API
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		if posts.Add(1) == 1 {
			conn, _, _ := http.NewResponseController(w).Hijack()
			_ = conn.Close()
			return
		}
		http.Error(w, "forbidden", http.StatusForbidden)
	}))
	t.Cleanup(srv.Close)
	res, err := uploadTo(t, srv.URL+"/repo/", []string{wheelName})
	if err == nil || res[0].Status != Unknown || posts.Load() != 2 {
		t.Errorf("Upload = %v after %d POSTs, %v; want unknown after 2", res[0].Status, posts.Load(), err)
	}
}
