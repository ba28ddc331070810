package fakeindex

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/blake2b"
)

// maxFormBytes bounds the non-file form fields of one request; Warehouse
// has no such limit, but a description of 64 MiB is absurd already.
const maxFormBytes = 64 << 20

// upload is a parsed POST to /legacy/: all the upload pipeline sees of
// the request, so tests can run the pipeline without HTTP.
type upload struct {
	authorization string     // the Authorization header
	userAgent     string     // the User-Agent header
	form          url.Values // every non-file field, as received
	fileFields    []string   // names of file parts other than content and gpg_signature, in order
	content       *spooled   // the last content file part; nil when there is none
}

// spooled is the content part, streamed to a file in the spool directory.
type spooled struct {
	path     string // "" when the bytes were discarded rather than stored
	filename string // the raw filename parameter of the part
	ctype    string // the part's type as WebOb sees it ("text/plain" when the header is absent)
	size     int64
	sha256   string // lowercase hex; "" when the file is larger than the limit
	blake2   string
}

func (u *upload) cleanup() {
	if u != nil && u.content != nil && u.content.path != "" {
		_ = os.Remove(u.content.path) // #nosec G703 -- the spool file the index created
	}
}

// handleLegacy is POST to the upload endpoint (/legacy/ on PyPI): routing
// by :action, faults, then the upload pipeline, whose answer the profile's
// registry words.
func (ix *Index) handleLegacy(w http.ResponseWriter, r *http.Request) {
	if ix.bench != nil {
		ix.benchUpload(w, r) // bench.go: counts and discards
		return
	}
	if ix.hostileUpload(w, r) {
		return // a hostile switch answered (hostile.go); faults wait
	}
	f := ix.takeFault()
	body := io.Reader(r.Body)
	if ix.bandwidth > 0 || f.kind == faultStall {
		sb := &shapedBody{ix: ix, ctx: r.Context(), r: r.Body, rate: ix.bandwidth, start: time.Now()}
		if f.kind == faultStall {
			sb.stallAt, sb.stall = midpoint(r), f.wait
		}
		body = sb
	}
	switch f.kind {
	case faultResetMidBody:
		_, _ = io.CopyN(io.Discard, body, midpoint(r))
		abortConnection(w)
		return
	case faultStatus, faultRateLimit:
		if _, err := io.Copy(io.Discard, body); err != nil {
			if errors.Is(err, errClosing) {
				(&reply{status: http.StatusServiceUnavailable}).write(w, r)
			}
			return // otherwise the client is gone
		}
		rp := &reply{status: f.status}
		if f.kind == faultRateLimit {
			rp.message = "Too many requests"
			rp.header = http.Header{"Retry-After": {retryAfterSeconds(f.wait)}}
		}
		ix.answer(rp, r).write(w, r)
		return
	}

	rp := ix.legacy(r, body)
	if rp == nil {
		return // the client is gone
	}
	if f.kind == faultResetAfterStore {
		abortConnection(w)
		return
	}
	ix.answer(rp, r).write(w, r)
}

// answer is the profile's registry's answer to a pipeline reply. Extra
// headers, such as Retry-After, are kept whatever the registry.
func (ix *Index) answer(rp *reply, r *http.Request) *reply {
	out := ix.reg.answer(rp, r)
	if out != rp && out.header == nil {
		out.header = rp.header
	}
	return out
}

// legacy reads the request and answers it; a nil reply means the client
// is gone and nothing can be answered.
func (ix *Index) legacy(r *http.Request, body io.Reader) *reply {
	action, inQuery := lastValue(r.URL.Query(), ":action")
	// Spool the content only when it may be stored: for a file_upload (or
	// an action still unknown) by a request whose credentials could pass.
	auth := r.Header.Get("Authorization")
	keep := (!inQuery || action == "file_upload") && ix.authenticate(auth) == nil
	up, err := ix.readUpload(r, body, keep)
	defer up.cleanup()
	if err != nil {
		if errors.Is(err, errClosing) {
			return &reply{status: http.StatusServiceUnavailable}
		}
		if r.Context().Err() != nil {
			return nil
		}
		if rp, ok := errors.AsType[*reply](err); ok {
			return rp
		}
		if be, ok := errors.AsType[*bodyError](err); ok {
			return badRequest("fakeindex: reading the request body: %v", be.err)
		}
		return &reply{status: http.StatusInternalServerError, message: "fakeindex: " + err.Error()}
	}
	if !inQuery {
		action, _ = lastValue(up.form, ":action")
	}
	switch {
	case action == "file_upload":
		up.authorization, up.userAgent = auth, r.UserAgent()
		return ix.fileUpload(up)
	case ix.profile != ProfilePyPI:
		// Other registries have none of Warehouse's answers to other
		// actions, and a 200 page would pass for a stored file: they get
		// pypiserver's refusal.
		return badRequest("Unsupported ':action' field: %s", action)
	}
	switch action {
	case "submit", "submit_pkg_info":
		return &reply{status: http.StatusGone, message: "Project pre-registration is no longer required or supported, upload your files instead."}
	case "doc_upload":
		return &reply{status: http.StatusGone, message: "Uploading documentation is no longer supported, we recommend using https://readthedocs.org/."}
	}
	// Warehouse's catch-all view for /legacy/ (production only).
	return &reply{status: http.StatusOK, page: endpointPage}
}

func lastValue(v url.Values, key string) (string, bool) {
	vs := v[key]
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

// handleLegacyNoSlash is POST /legacy: Warehouse redirects to the slash.
func (ix *Index) handleLegacyNoSlash(w http.ResponseWriter, r *http.Request) {
	(&reply{
		status:   http.StatusPermanentRedirect,
		message:  "An upload was attempted to /legacy but the expected upload URL is /legacy/ (with a trailing slash)",
		location: "/legacy/",
	}).write(w, r)
}

// handleEndpointPage is GET /legacy/: the same "API endpoint" page.
func (ix *Index) handleEndpointPage(w http.ResponseWriter, r *http.Request) {
	(&reply{status: http.StatusOK, page: endpointPage}).write(w, r)
}

// endpointPage is Warehouse's upload.html, reduced to its text.
const endpointPage = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>API endpoint</title>
  </head>
  <body>
    <h2>API endpoint</h2>
    <p>
      This URL is an API endpoint for uploading files to PyPI.
      <br>
      For more information on uploading projects to PyPI, visit the <a href="https://packaging.python.org/distributing/#uploading-your-project-to-pypi" title="External link" target="_blank" rel="noopener">Python Packaging User Guide</a>.
    </p>
    <p>
      Otherwise, we suggest you <a href="https://pypi.org/">go to the PyPI homepage</a>.
    </p>
  </body>
</html>
`

// readUpload reads the whole body. File parts named content are streamed
// to the spool directory while hashed when keep is set, and discarded
// otherwise; other file parts are drained. Errors that deserve an answer
// are returned as *reply.
func (ix *Index) readUpload(r *http.Request, body io.Reader, keep bool) (*upload, error) {
	up := &upload{form: url.Values{}}
	mediatype, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case mediatype == "multipart/form-data" && params["boundary"] != "":
		if err := ix.readMultipart(up, multipart.NewReader(body, params["boundary"]), keep); err != nil {
			return up, err
		}
	case mediatype == "application/x-www-form-urlencoded":
		b, err := io.ReadAll(io.LimitReader(body, maxFormBytes+1))
		if err != nil {
			return up, &bodyError{err}
		}
		if len(b) > maxFormBytes {
			return up, &reply{status: http.StatusRequestEntityTooLarge}
		}
		if up.form, err = url.ParseQuery(string(b)); err != nil {
			return up, badRequest("Invalid form body.")
		}
	default:
		if _, err := io.Copy(io.Discard, body); err != nil {
			return up, &bodyError{err}
		}
	}
	return up, nil
}

func (ix *Index) readMultipart(up *upload, mr *multipart.Reader, keep bool) error {
	formBytes := 0
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &bodyError{err}
		}
		// The raw parameters: multipart.Part.FileName applies
		// filepath.Base, which would hide a '/' the index must refuse.
		_, disp, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		name, filename := disp["name"], disp["filename"]
		switch {
		case filename != "" && name == "content":
			sp, err := ix.spoolPart(part, keep)
			if err != nil {
				return err
			}
			sp.filename = filename
			sp.ctype = "text/plain" // cgi.FieldStorage's default for a part without Content-Type
			if ct, ok := part.Header["Content-Type"]; ok && len(ct) > 0 {
				sp.ctype, _, _ = strings.Cut(ct[0], ";")
				sp.ctype = strings.TrimSpace(sp.ctype)
			}
			up.cleanup() // a later content part replaces an earlier one
			up.content = sp
		case filename != "":
			if name != "gpg_signature" && !slices.Contains(up.fileFields, name) {
				up.fileFields = append(up.fileFields, name)
			}
			if _, err := io.Copy(io.Discard, part); err != nil {
				return &bodyError{err}
			}
		default:
			b, err := io.ReadAll(io.LimitReader(part, int64(maxFormBytes-formBytes+1)))
			if err != nil {
				return &bodyError{err}
			}
			if formBytes += len(b); formBytes > maxFormBytes {
				return &reply{status: http.StatusRequestEntityTooLarge}
			}
			if name != "" {
				up.form.Add(name, string(b))
			}
		}
	}
}

// Error lets a reply travel as an error out of readUpload.
func (rp *reply) Error() string { return rp.statusLine() }

// bodyError is a failure to read the request body: a malformed multipart
// body, or a client that went away.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return "reading the request body: " + e.err.Error() }

func (e *bodyError) Unwrap() error { return e.err }

// spoolPart streams a content part to a new spool file, computing sha256
// and blake2b-256 on the way. Past the file size limit it stops writing and
// hashing and only counts, as the upload will be refused anyway. When keep
// is false the bytes are only counted.
func (ix *Index) spoolPart(part io.Reader, keep bool) (*spooled, error) {
	sp := &spooled{}
	if !keep {
		n, err := io.Copy(io.Discard, part)
		sp.size = n
		if err != nil {
			return nil, &bodyError{err}
		}
		return sp, nil
	}
	dir, err := ix.spoolDir()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("creating spool file: %w", err)
	}
	sp.path = f.Name()
	sha := sha256.New()
	blake, _ := blake2b.New256(nil) // only fails for a key longer than 64 bytes
	size, over, err := copyParallel(part, ix.maxFileSize, sha, blake, f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	sp.size = size
	if err != nil {
		_ = os.Remove(sp.path)
		return nil, err
	}
	if !over {
		sp.sha256 = hex.EncodeToString(sha.Sum(nil))
		sp.blake2 = hex.EncodeToString(blake.Sum(nil))
	}
	return sp, nil
}

// Spooling pipeline sizes: a few chunks in flight between the reader and
// the sinks, so reading the network overlaps hashing and writing.
const (
	spoolChunk  = 256 << 10
	spoolChunks = 4
)

type chunk struct {
	buf  []byte
	n    int
	busy sync.WaitGroup // one count per sink still using buf
}

// copyParallel copies r to every sink, each sink running in its own
// goroutine (sha256, blake2b and the file proceed side by side), until r
// ends or more than limit bytes have arrived; after that it only counts
// the rest of r. It returns the total size and whether the limit was
// passed; a failure to read r is a *bodyError. All goroutines are joined
// before it returns.
func copyParallel(r io.Reader, limit int64, sinks ...io.Writer) (size int64, over bool, err error) {
	queues := make([]chan *chunk, len(sinks))
	errs := make([]error, len(sinks))
	var workers sync.WaitGroup
	for i, w := range sinks {
		queues[i] = make(chan *chunk, spoolChunks)
		workers.Go(func() {
			for c := range queues[i] {
				if errs[i] == nil {
					_, errs[i] = w.Write(c.buf[:c.n])
				}
				c.busy.Done()
			}
		})
	}
	chunks := make([]*chunk, spoolChunks)
	for i := range chunks {
		chunks[i] = &chunk{buf: make([]byte, spoolChunk)}
	}
	var readErr error
	for i := 0; ; i++ {
		c := chunks[i%spoolChunks]
		c.busy.Wait() // every sink is done with its previous contents
		n, rerr := io.ReadFull(r, c.buf)
		size += int64(n)
		if size > limit {
			over = true
			break
		}
		if n > 0 {
			c.n = n
			c.busy.Add(len(sinks))
			for _, q := range queues {
				q <- c
			}
		}
		if rerr == io.EOF || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			readErr = rerr
			break
		}
	}
	for _, q := range queues {
		close(q)
	}
	workers.Wait()
	if over {
		n, rerr := io.Copy(io.Discard, r)
		size += n
		readErr = rerr
	}
	if readErr != nil {
		return size, over, &bodyError{readErr}
	}
	if err := errors.Join(errs...); err != nil {
		return size, over, fmt.Errorf("spooling content: %w", err)
	}
	return size, over, nil
}
