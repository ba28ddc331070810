package upload

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/pyupload/pyupload/internal/readapi"
	"github.com/pyupload/pyupload/pkg/dist"
)

// Evidence is how the outcome of a file is known.
type Evidence int

// The kinds of evidence.
const (
	NoEvidence Evidence = iota
	// UploadAnswer: the index accepted this run's upload.
	UploadAnswer
	// ReadAPI: the index's read API lists a sha256 for this filename.
	ReadAPI
	// LostAnswerDuplicate: the index answered "already exists" to a retry
	// after this run's earlier attempt, whose whole body was sent, lost its
	// answer: that attempt stored the file. An inference, not a hash.
	LostAnswerDuplicate
	// DuplicateAnswer: only the index's "already exists" answer; the
	// bytes there were not verified.
	DuplicateAnswer
)

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
	parsed        *dist.Version     // nil when the version does not parse
	files         map[string]string // its local files: filename → sha256
	listing       *readapi.Listing  // nil when no read API could tell
}

// groupReleases maps every file to its release: one name, one version by
// PEP 440 equality (1.0 and 1.0.0 are one release on the index).
func groupReleases(files []*dist.Dist) ([]*release, []*release) {
	var all []*release
	of := make([]*release, len(files))
	byName := map[string][]*release{}
	for i, d := range files {
		name := dist.NormalizeName(d.Metadata.Name)
		var pv *dist.Version
		if v, err := dist.ParseVersion(d.Metadata.Version); err == nil {
			pv = &v
		}
		for _, r := range byName[name] {
			if (pv == nil && r.parsed == nil && r.version == d.Metadata.Version) || (pv != nil && r.parsed != nil && pv.Equal(*r.parsed)) {
				of[i] = r
				break
			}
		}
		if of[i] == nil {
			of[i] = &release{name: d.Metadata.Name, version: d.Metadata.Version, parsed: pv, files: map[string]string{}}
			byName[name] = append(byName[name], of[i])
			all = append(all, of[i])
		}
		if d.Filename != nil {
			of[i].files[d.Filename.Base] = d.SHA256
		}
	}
	return all, of
}

// decide compares a local file with a release's listing: nil when the
// file is not known to be there (or the listing cannot tell), a result
// when it is settled without sending it, and a conflict for other bytes
// under its name (or, on PyPI's software, its bytes under another name).
// A host's root index may be another index than the upload's, so it
// only ever confirms a file.
func decide(d *dist.Dist, l *readapi.Listing) (settled bool, conflict *ConflictError) {
	if l == nil {
		return false, nil
	}
	base := d.Filename.Base
	sha, listed := l.Files[base]
	switch {
	case listed && sha == d.SHA256:
		return true, nil
	case l.Source.Fallback:
		return false, nil
	case listed && sha != "":
		return true, &ConflictError{Filename: base, LocalSHA256: d.SHA256, RemoteSHA256: sha}
	}
	if other, ok := l.SameBytes[d.SHA256]; ok && other != base && l.Source.Warehouse {
		return true, &ConflictError{Filename: base, LocalSHA256: d.SHA256, OtherFilename: other}
	}
	return false, nil
}

// applyListing settles res from a listing, as decide says, under
// --skip-existing or not; it reports whether it settled anything. Used
// before any upload and again after an "already exists" answer, so both
// follow one table.
func (u *Uploader) applyListing(d *dist.Dist, l *readapi.Listing, res *Result) bool {
	settled, conflict := decide(d, l)
	if !settled {
		return false
	}
	res.Evidence = ReadAPI
	switch {
	case conflict == nil:
		res.Status = AlreadyPresent
	case u.opts.skipExisting:
		res.Status, res.Err = Skipped, conflict
	default:
		res.Status, res.Err = Failed, conflict
	}
	if conflict != nil {
		res.RemoteSHA256, res.OtherFilename = conflict.RemoteSHA256, conflict.OtherFilename
	}
	return true
}

// settle decides a file before the batch starts: whether it must be sent.
// A file not on the index yet may still be refused for a rule that
// depends on what the index holds (indexrules.go): then it fails here.
func (u *Uploader) settle(d *dist.Dist, l *readapi.Listing, res *Result) (sendIt bool) {
	if !u.applyListing(d, l, res) {
		rule := u.indexRule(d, l)
		if rule == nil {
			return true
		}
		res.Status, res.Err, res.Evidence = Failed, rule, ReadAPI
	}
	base := d.Filename.Base
	if res.Status != Failed {
		// Counted as sent, so progress totals add up.
		u.opts.progress(Event{File: base, Bytes: d.Size, Total: d.Size})
	}
	u.opts.progress(Event{File: base, Total: d.Size, Done: true, Status: res.Status, Err: res.Err})
	return false
}

// resolveDuplicate decides an index's "already exists" answer. The read
// API decides by hash when it can; otherwise an earlier attempt of this
// run whose answer was lost explains it, and only then --skip-existing
// trusts the message. A file never becomes "not on the index" here: the
// index says it has one.
func (u *Uploader) resolveDuplicate(ctx context.Context, d *dist.Dist, he *HTTPError, lostAnswer bool, res Result) Result {
	base := d.Filename.Base
	l, _ := u.read.Lookup(ctx, fileQuery(d))
	if u.applyListing(d, l, &res) {
		if res.Status == AlreadyPresent && lostAnswer {
			res.Status = Uploaded // the lost attempt stored it
		}
		if ce, ok := errors.AsType[*ConflictError](res.Err); ok {
			ce.Detail = he.Message
		}
		return res
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

// fileQuery asks the read API about one file, until a source lists it.
func fileQuery(d *dist.Dist) readapi.Query {
	base := d.Filename.Base
	return readapi.Query{Name: d.Metadata.Name, Version: d.Metadata.Version, Files: map[string]string{base: d.SHA256}, Need: base}
}

// listed reports whether the read API lists the identical file under its
// name: what confirms an upload whose own answer did not.
func (u *Uploader) listed(ctx context.Context, d *dist.Dist) bool {
	l, _ := u.read.Lookup(ctx, fileQuery(d))
	return l != nil && l.Files[d.Filename.Base] == d.SHA256
}

// lookupAll asks the read API about every release at once. A lookup
// never fails the batch: without an answer, the upload endpoint decides.
func (u *Uploader) lookupAll(ctx context.Context, releases []*release) error {
	g := new(errgroup.Group)
	g.SetLimit(u.opts.jobs)
	for _, r := range releases {
		if u.opts.lookahead != nil {
			if l, ok := u.opts.lookahead.take(ctx, r); ok {
				r.listing = l
				continue
			}
		}
		g.Go(func() error {
			// Each goroutine writes only its own release.
			r.listing, _ = u.read.Lookup(ctx, readapi.Query{Name: r.name, Version: r.version, Files: r.files, Status: true})
			return nil
		})
	}
	_ = g.Wait()
	if ctx.Err() != nil {
		return fmt.Errorf("checking the index for existing files: %w", context.Cause(ctx))
	}
	return nil
}
