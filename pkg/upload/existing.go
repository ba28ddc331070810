package upload

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/pyupload/pyupload/internal/readapi"
	"github.com/pyupload/pyupload/pkg/dist"
)

// Evidence is how the outcome of a file is known.
type Evidence int

// The kinds of evidence, strongest first.
const (
	NoEvidence Evidence = iota
	// UploadAnswer: the index accepted this run's upload.
	UploadAnswer
	// ReadAPI: the index's read API lists a sha256 for this filename.
	ReadAPI
	// LostAnswerDuplicate: the index answered "already exists" to a retry
	// after this run's earlier attempt, whose whole body was sent, lost its
	// answer: that attempt stored the file.
	LostAnswerDuplicate
	// DuplicateAnswer: only the index's "already exists" answer; the
	// bytes there were not verified.
	DuplicateAnswer
)

func (e Evidence) String() string {
	return [...]string{"", "the index accepted the upload", "the read API lists its sha256",
		"the index's duplicate answer after this run's attempt lost its answer",
		"the index says a file with this name exists (not verified by hash)"}[e]
}

// duplicate recognises the answers registries give to a filename they
// already hold, as twine's skip_upload does: 409 (pypiserver, Gitea,
// Forgejo, devpi), 400 "already exist(s)" (PyPI, TestPyPI, Google
// Artifact Registry), 400 "updating asset" (Nexus), 403 "overwrite
// artifact" (Artifactory), 400 "already been taken" (GitLab).
func (e *HTTPError) duplicate() bool {
	text := strings.ToLower(e.Message + "\n" + e.body)
	switch e.StatusCode {
	case http.StatusConflict:
		return true
	case http.StatusBadRequest:
		return strings.Contains(text, "already exist") || strings.Contains(text, "updating asset") || strings.Contains(text, "already been taken")
	case http.StatusForbidden:
		return strings.Contains(text, "overwrite artifact")
	}
	return false
}

// release groups the files of one name and version.
type release struct {
	name, version string
	listing       *readapi.Listing // nil when no read API could tell
}

func releaseKey(d *dist.Dist) string {
	v := d.Metadata.Version
	if pv, err := dist.ParseVersion(v); err == nil {
		v = pv.String()
	}
	return dist.NormalizeName(d.Metadata.Name) + "\x00" + v
}

// decision is what the read API's answer means for one file before
// anything is sent.
type decision int

const (
	send     decision = iota // not there, or the read API cannot tell
	present                  // the same sha256 is there
	conflict                 // other bytes are there under this name, or these bytes under another
)

// decide compares a local file with a release's listing.
func decide(d *dist.Dist, l *readapi.Listing) (decision, string) {
	if l == nil {
		return send, ""
	}
	sha, listed := l.Files[d.Filename.Base]
	switch {
	case listed && sha == d.SHA256:
		return present, sha
	case listed && sha != "":
		return conflict, sha
	}
	// Only PyPI's software refuses the same bytes under another name.
	if other, ok := l.Project[d.SHA256]; ok && other != d.Filename.Base && l.Source.Warehouse {
		return conflict, other
	}
	return send, ""
}

// settle marks a file that need not be sent. It returns an error for a
// conflict that must stop the batch before any upload.
func (u *Uploader) settle(d *dist.Dist, l *readapi.Listing, res *Result) (sendIt bool, err error) {
	verdict, remote := decide(d, l)
	base := d.Filename.Base
	switch verdict {
	case present:
		res.Status, res.Evidence = AlreadyPresent, ReadAPI
	case conflict:
		cerr := &ConflictError{Filename: base, LocalSHA256: d.SHA256, RemoteSHA256: remote}
		if _, sameName := l.Files[base]; !sameName {
			cerr = &ConflictError{Filename: base, LocalSHA256: d.SHA256, OtherFilename: remote}
		} else {
			res.RemoteSHA256 = remote
		}
		if !u.opts.skipExisting {
			res.Status, res.Err = Failed, cerr
			return false, cerr
		}
		res.Status, res.Evidence, res.Err = Skipped, ReadAPI, cerr
	default:
		return true, nil
	}
	// Counted as sent, so progress totals add up.
	u.opts.progress(Event{File: base, Bytes: d.Size, Total: d.Size, Done: true, Status: res.Status})
	return false, nil
}

// resolveDuplicate decides an index's "already exists" answer. The read
// API decides by hash when it can; otherwise an earlier attempt of this
// run whose answer was lost explains it, and only then --skip-existing
// trusts the message. A file never becomes "not on the index" here: the
// index says it has one.
func (u *Uploader) resolveDuplicate(ctx context.Context, d *dist.Dist, he *HTTPError, lostAnswer bool, res Result) Result {
	base := d.Filename.Base
	l, _ := u.read.Lookup(ctx, d.Metadata.Name, d.Metadata.Version)
	if l != nil {
		if sha := l.Files[base]; sha == d.SHA256 {
			res.Status, res.Evidence = AlreadyPresent, ReadAPI
			if lostAnswer {
				res.Status = Uploaded
			}
			return res
		} else if sha != "" {
			res.RemoteSHA256 = sha
			cerr := &ConflictError{Filename: base, LocalSHA256: d.SHA256, RemoteSHA256: sha, Detail: he.Message}
			if u.opts.skipExisting {
				res.Status, res.Evidence, res.Err = Skipped, ReadAPI, cerr
				return res
			}
			res.Status, res.Err = Failed, cerr
			return res
		}
	}
	switch {
	case lostAnswer:
		res.Status, res.Evidence = Uploaded, LostAnswerDuplicate
	case u.opts.skipExisting:
		res.Status, res.Evidence = Skipped, DuplicateAnswer
	default:
		res.Status, res.Evidence = Failed, DuplicateAnswer
		res.Err = &ConflictError{Filename: base, LocalSHA256: d.SHA256, Detail: he.Message, Unverified: true}
	}
	return res
}

// lookupAll asks the read API about every release at once. A lookup
// never fails the batch: without an answer, the upload endpoint decides.
func (u *Uploader) lookupAll(ctx context.Context, releases map[string]*release) error {
	g := new(errgroup.Group)
	g.SetLimit(u.opts.jobs)
	for _, r := range releases {
		g.Go(func() error {
			// Each goroutine writes only its own release.
			r.listing, _ = u.read.Lookup(ctx, r.name, r.version)
			return nil
		})
	}
	_ = g.Wait()
	if ctx.Err() != nil {
		return fmt.Errorf("checking the index for existing files: %w", context.Cause(ctx))
	}
	return nil
}
