package upload

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"path/filepath"

	"github.com/pyupload/pyupload/internal/localfile"
	"github.com/pyupload/pyupload/pkg/dist"
)

// Form returns the non-file form fields for d, in the order they are sent
// (docs/index-server.md §1.2, §1.3): the control fields, every metadata
// field under its form key, the digests, then the comment and the
// attestations (a JSON array, PEP 740) when there are any. Nothing is sent
// that the metadata lacks.
func Form(d *dist.Dist, comment, attestations string) []dist.FormValue {
	fields := []dist.FormValue{
		{Key: ":action", Value: "file_upload"},
		{Key: "protocol_version", Value: "1"},
		{Key: "filetype", Value: string(d.Filename.Kind)},
		{Key: "pyversion", Value: d.Filename.PythonTag()},
	}
	fields = append(fields, d.Metadata.FormFields()...)
	fields = append(fields,
		dist.FormValue{Key: "sha256_digest", Value: d.SHA256},
		dist.FormValue{Key: "blake2_256_digest", Value: d.Blake2b256},
	)
	if comment != "" {
		fields = append(fields, dist.FormValue{Key: "comment", Value: comment})
	}
	if attestations != "" {
		fields = append(fields, dist.FormValue{Key: "attestations", Value: attestations})
	}
	return fields
}

// body is a multipart request body that streams the file between a
// prefix (the fields and the file part's header) and a suffix (the closing
// boundary), both small and built in memory.
type body struct {
	prefix, suffix []byte
	contentType    string
	fileSize       int64
}

// newBody lays out the multipart form for d. The boundary is random, so a
// field value can never collide with it.
func newBody(d *dist.Dist, fields []dist.FormValue) (*body, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		// Plain fields only: the index refuses anything but content sent
		// as a file part ("Should not be a tuple").
		if err := w.WriteField(f.Key, f.Value); err != nil {
			return nil, err
		}
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="content"; filename=%q`, d.Filename.Base))
	h.Set("Content-Type", "application/octet-stream")
	if _, err := w.CreatePart(h); err != nil {
		return nil, err
	}
	prefixLen := buf.Len()
	if err := w.Close(); err != nil {
		return nil, err
	}
	all := buf.Bytes()
	return &body{
		prefix:      all[:prefixLen],
		suffix:      all[prefixLen:],
		contentType: w.FormDataContentType(),
		fileSize:    d.Size,
	}, nil
}

// length is the exact Content-Length.
func (b *body) length() int64 { return int64(len(b.prefix)) + b.fileSize + int64(len(b.suffix)) }

// open re-opens the file for one attempt and returns the whole body; count
// wraps the file's reader to observe progress, and hold, when not nil, is
// read before the closing boundary (see gate.go). It refuses a file whose
// size changed since it was checked.
func (b *body) open(path string, count func(io.Reader) io.Reader, hold io.Reader) (io.ReadCloser, error) {
	f, st, err := localfile.Open(filepath.Clean(path)) // never waits, should it have become a pipe
	if err != nil {
		return nil, err
	}
	if st.Size() != b.fileSize {
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w (size %d, was %d)", path, ErrFileChanged, st.Size(), b.fileSize)
	}
	parts := []io.Reader{bytes.NewReader(b.prefix), count(localfile.NewContents(f, b.fileSize))}
	if hold != nil {
		parts = append(parts, hold)
	}
	r := io.MultiReader(append(parts, bytes.NewReader(b.suffix))...)
	return &readCloser{Reader: r, close: f.Close}, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r *readCloser) Close() error { return r.close() }

// WriteTo lets the body write itself (the file part from a memory map:
// localfile.Contents); io.MultiReader writes each part that can.
func (r *readCloser) WriteTo(w io.Writer) (int64, error) { return io.Copy(w, r.Reader) }
