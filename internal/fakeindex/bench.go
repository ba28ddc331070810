package fakeindex

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pyupload/pyupload/pkg/dist"
)

// benchState is the bench mode's counters (WithBenchMode).
type benchState struct {
	uploads atomic.Int64 // POSTs to the upload endpoint that were stored
	refused atomic.Int64 // POSTs answered with an error
	bytes   atomic.Int64 // content bytes received (counted, then discarded)
	conns   *ConnStats   // connections and TLS handshakes; nil when not counted
}

// WithBenchMode makes the upload endpoint cheap for benchmarks, where the
// index shares the machine's cores with the client it measures: it checks
// the credentials and the form's small fields, counts the file's bytes and
// discards them (no hashing, no archive opened, nothing written), and
// records the file under the client's own sha256_digest so that the read
// APIs list it and a client's "already uploaded?" lookup works. Latency
// and bandwidth still apply. conns, when not nil, is what GET
// /_bench/stats reports about connections (the server counts them).
// It validates almost nothing: never use it to test a client's correctness.
func WithBenchMode(conns *ConnStats) Option {
	return func(ix *Index) { ix.bench = &benchState{conns: conns} }
}

// BenchStats is what GET /_bench/stats answers in bench mode.
type BenchStats struct {
	Uploads           int64 `json:"uploads"`
	Refused           int64 `json:"refused"`
	Bytes             int64 `json:"bytes"`
	Connections       int64 `json:"connections"`
	FullHandshakes    int64 `json:"full_handshakes"`
	ResumedHandshakes int64 `json:"resumed_handshakes"`
}

// BenchStats returns the bench mode's counters (zero outside bench mode).
func (ix *Index) BenchStats() BenchStats {
	b := ix.bench
	if b == nil {
		return BenchStats{}
	}
	s := BenchStats{Uploads: b.uploads.Load(), Refused: b.refused.Load(), Bytes: b.bytes.Load()}
	if b.conns != nil {
		s.Connections, s.FullHandshakes, s.ResumedHandshakes = b.conns.Counts()
	}
	return s
}

func (ix *Index) handleBenchStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, ix.BenchStats())
}

// benchUpload is the bench mode's upload endpoint.
func (ix *Index) benchUpload(w http.ResponseWriter, r *http.Request) {
	body := io.Reader(r.Body)
	if ix.bandwidth > 0 {
		body = &shapedBody{ix: ix, ctx: r.Context(), r: r.Body, rate: ix.bandwidth, start: time.Now()}
	}
	rp := ix.benchStore(r, body)
	if rp == nil {
		return // the client is gone
	}
	if rp.status != http.StatusOK {
		ix.bench.refused.Add(1)
	}
	ix.answer(rp, r).write(w, r)
}

// benchStore reads the request and records its file; nil means the client
// is gone.
func (ix *Index) benchStore(r *http.Request, body io.Reader) *reply {
	authErr := ix.authenticate(r.Header.Get("Authorization"))
	form, filename, size, err := ix.benchRead(r, body)
	switch {
	case errors.Is(err, errClosing):
		return &reply{status: http.StatusServiceUnavailable}
	case r.Context().Err() != nil:
		return nil
	case err != nil:
		return badRequest("fakeindex: reading the request body: %v", err)
	case authErr != nil:
		return authErr
	case single(form, ":action") != "file_upload":
		return badRequest("fakeindex bench mode takes file uploads only")
	case filename == "":
		return badRequest("Upload payload does not have a file.")
	}
	ff, rp := checkForm(form)
	if rp != nil {
		return rp
	}
	v, err := dist.ParseVersion(single(form, "version"))
	if err != nil {
		return badRequest("Invalid value for version. Error: %v", err)
	}
	return ix.benchRecord(form, ff, v, filename, size, r.UserAgent())
}

// benchRead streams the multipart body: small fields are kept, the
// content part is counted and discarded.
func (ix *Index) benchRead(r *http.Request, body io.Reader) (url.Values, string, int64, error) {
	form := url.Values{}
	mediatype, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediatype != "multipart/form-data" || params["boundary"] == "" {
		_, err := io.Copy(io.Discard, body)
		return form, "", 0, err
	}
	mr := multipart.NewReader(body, params["boundary"])
	var filename string
	var size int64
	for {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return form, filename, size, nil
		}
		if err != nil {
			return form, filename, size, err
		}
		_, disp, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		if disp["filename"] != "" {
			n, err := io.Copy(io.Discard, part)
			ix.bench.bytes.Add(n)
			if err != nil {
				return form, filename, size, err
			}
			if disp["name"] == "content" {
				filename, size = disp["filename"], n
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, maxFormBytes))
		if err != nil {
			return form, filename, size, err
		}
		if disp["name"] != "" {
			form.Add(disp["name"], string(b))
		}
	}
}

// benchRecord stores the file's record, without content, as the normal
// pipeline's last row does, after the duplicate rules (same name and
// digest: 200; same name, other digest: 400).
func (ix *Index) benchRecord(form url.Values, ff formFields, v dist.Version, filename string, size int64, userAgent string) *reply {
	sha := strings.ToLower(strings.TrimSpace(ff.sha256))
	blake := strings.ToLower(strings.TrimSpace(ff.blake2))
	if blake == "" {
		blake = "bench:" + filename // keys byBlake2 without colliding
	}
	name := single(form, "name")
	sf := &storedFile{
		File: File{
			Filename: filename, Filetype: ff.filetype, PyVersion: ff.pyversion,
			SHA256: sha, Blake2b256: blake, Size: size,
			Fields: cloneValues(form), UploadedVia: userAgent, UploadTime: ix.now().UTC(),
		},
		md5:     strings.ToLower(ff.md5),
		comment: ff.comment,
	}
	c := &spooled{filename: filename, size: size, sha256: sha, blake2: blake}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return &reply{status: http.StatusServiceUnavailable}
	}
	if rp := ix.checkExistingLocked(c, canonicalName(name), v, ff.filetype); rp != nil {
		return rp
	}
	ix.storeLocked(sf, name, v, cloneValues(form))
	ix.bench.uploads.Add(1)
	return &reply{status: http.StatusOK, kind: kindStored}
}

// MarshalBenchStats renders s as one line of JSON, for a log line.
func MarshalBenchStats(s BenchStats) string {
	b, _ := json.Marshal(s) // a struct of integers always marshals
	return string(b)
}
