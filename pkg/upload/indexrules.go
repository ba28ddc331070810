package upload

import (
	"fmt"
	"time"

	"github.com/pyupload/pyupload/internal/readapi"
	"github.com/pyupload/pyupload/pkg/dist"
)

// PyPI's rules that depend on what the index already holds, predicted from
// its read API before any upload so that a release is never left half
// published (docs/index-server.md §2 rows 9 and 20). They hold only on
// PyPI's own software: no other registry has them.
const (
	// releaseAgeLimit is how long after its creation a release takes new
	// files (Warehouse's MAXIMUM_AGE_FOR_NEW_UPLOADS_DAYS, since 2026-07).
	releaseAgeLimit = 14 * 24 * time.Hour
	// clockSlack keeps the prediction on the safe side: a release is only
	// taken as closed when it is past the window by more than clocks
	// commonly disagree, so no upload the index would take is refused.
	clockSlack = 10 * time.Minute
	// answerSlack covers the index's Date header, which has whole
	// seconds, and a read API answer cached for a few minutes.
	answerSlack = 2 * time.Minute
	// defaultFileLimit is PyPI's default per-file limit; projects may
	// have a larger one, which no read API publishes.
	defaultFileLimit = 100 << 20
)

// Rule names of an [IndexRuleError].
const (
	RuleReleaseAge  = "release-age"
	RuleArchived    = "archived"
	RuleQuarantined = "quarantined"
)

// IndexRuleError is a refusal predicted from the index's read API: the
// index would refuse this file for a rule that depends on what it holds.
type IndexRuleError struct {
	Filename string
	Project  string
	Rule     string // RuleReleaseAge, RuleArchived or RuleQuarantined
	Message  string // the index's own wording, or what it would amount to
	Evidence string // what the read API showed, and where
}

func (e *IndexRuleError) Error() string {
	return fmt.Sprintf("%s: %s (%s)", e.Filename, e.Message, e.Evidence)
}

// indexRule returns the refusal PyPI's software would give d, which is not
// on the index yet, judging by the listing of its release; nil when none
// is predicted or the listing cannot tell (logged at debug level).
func (u *Uploader) indexRule(d *dist.Dist, l *readapi.Listing) *IndexRuleError {
	base := d.Filename.Base
	if !readapi.IsWarehouse(u.endpoint) {
		return nil
	}
	if d.Size > defaultFileLimit {
		u.opts.logger.Debug("file is over PyPI's default 100 MiB limit; the index does not publish this project's own limit, so its answer decides", "file", base, "size", d.Size)
	}
	// The host's root index may be another index: it decides nothing.
	if l == nil || l.Source.Fallback {
		return nil
	}
	where := l.Source.URL(d.Metadata.Name, d.Metadata.Version).Redacted()
	name := d.Metadata.Name
	switch l.Status {
	case readapi.StatusArchived:
		return &IndexRuleError{Filename: base, Project: name, Rule: RuleArchived,
			Message:  fmt.Sprintf("project %q is archived, and the index refuses every upload to an archived project (it would answer 403 \"isn't allowed to upload to project\")", name),
			Evidence: "its simple page " + where + " declares the project archived"}
	case readapi.StatusQuarantined:
		if u.opts.trustedPublishing {
			return &IndexRuleError{Filename: base, Project: name, Rule: RuleQuarantined,
				Message:  fmt.Sprintf("project %q is quarantined, and the index refuses Trusted Publishing uploads to a quarantined project (it would answer 403)", name),
				Evidence: "its simple page " + where + " declares the project quarantined"}
		}
		u.opts.logger.Debug("the project is quarantined; the index still takes uploads from its owners' API tokens", "project", name)
	}
	if l.Exists() && l.FirstUpload.IsZero() {
		u.opts.logger.Debug("the index does not say when the release was created; its 14-day window for new files is left to the index", "release", name+" "+d.Metadata.Version, "url", where)
		return nil
	}
	if l.FirstUpload.IsZero() {
		return nil
	}
	// The index's own clock, when its answer gives it, is the one its
	// rule reads; only ours needs room for the two to disagree.
	// A Date far from ours (a proxy's, a host's wrong clock) is not the
	// index's: ours decides then, with room for the two to differ.
	now, slack := l.AnsweredAt, answerSlack
	if local := u.opts.now(); now.IsZero() || now.Sub(local).Abs() > clockSlack {
		now, slack = local, clockSlack
	}
	age := now.Sub(l.FirstUpload)
	if age <= releaseAgeLimit+slack {
		return nil
	}
	return &IndexRuleError{Filename: base, Project: name, Rule: RuleReleaseAge,
		Message: "Uploading new files to releases older than 14 days is not allowed.",
		Evidence: fmt.Sprintf("release %s %s has had files since %s, %d days ago, per %s",
			name, d.Metadata.Version, l.FirstUpload.UTC().Format(time.RFC3339), int((age+12*time.Hour)/(24*time.Hour)), where)}
}
