package ui

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/pkg/dist"
	"github.com/pyupload/pyupload/pkg/upload"
)

// outcomes is one file per way the index can end up holding it, or not.
func outcomes() []upload.Result {
	d := func(name string) *dist.Dist {
		return &dist.Dist{Path: "dist/" + name, Filename: &dist.Filename{Base: name}, Digests: dist.Digests{SHA256: strings.Repeat("a", 64), Size: 10}}
	}
	other := strings.Repeat("b", 64)
	page := "https://pypi.org/project/p/1.0/"
	conflict := &upload.ConflictError{Filename: "f.tar.gz", LocalSHA256: strings.Repeat("a", 64), RemoteSHA256: other}
	return []upload.Result{
		{Dist: d("a.whl"), Status: upload.Uploaded, Evidence: upload.UploadAnswer, ReleaseURL: page, Attempts: 1},
		{Dist: d("b.whl"), Status: upload.AlreadyPresent, Evidence: upload.ReadAPI, ReleaseURL: page},
		{Dist: d("c.whl"), Status: upload.Uploaded, Evidence: upload.LostAnswerDuplicate, Attempts: 2},
		{Dist: d("d.whl"), Status: upload.Skipped, Evidence: upload.DuplicateAnswer, Attempts: 1},
		{Dist: d("e.whl"), Status: upload.Failed, Evidence: upload.DuplicateAnswer, Attempts: 1,
			Err: &upload.ConflictError{Filename: "e.whl", Unverified: true, Detail: "package file already exists"}},
		{Dist: d("f.tar.gz"), Status: upload.Skipped, Evidence: upload.ReadAPI, RemoteSHA256: other, Err: conflict},
		{Dist: d("g.tar.gz"), Status: upload.Failed, Attempts: 5, Err: errors.New("g.tar.gz: giving up after 5 attempts")},
		{Dist: d("i.whl"), Status: upload.Skipped, Evidence: upload.ReadAPI, OtherFilename: "i-renamed.whl",
			Err: &upload.ConflictError{Filename: "i.whl", LocalSHA256: strings.Repeat("a", 64), OtherFilename: "i-renamed.whl"}},
		{Dist: d("j.whl"), Status: upload.Failed, Evidence: upload.ReadAPI, OtherFilename: "j-renamed.whl",
			Err: &upload.ConflictError{Filename: "j.whl", LocalSHA256: strings.Repeat("a", 64), OtherFilename: "j-renamed.whl"}},
		{Dist: d("h.tar.gz"), Status: upload.NotAttempted},
		{Dist: d("k.whl"), Status: upload.Unknown, Attempts: 1, Err: errors.New("k.whl: interrupted after the whole file was sent, before the index answered: context canceled")},
		{Dist: d("l.whl"), Status: upload.Uploaded, Evidence: upload.ReadAPI, Attempts: 1},
	}
}

// TestUploadReports: the report, the failure summary and the JSON say
// for every outcome whether the index holds the file and how that is
// known; a file the index says it holds is never "not on the index".
func TestUploadReports(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	pr := &Printer{out: &out, err: &errOut, ci: plainCI{}}
	if err := pr.UploadReport(outcomes(), false); err != nil {
		t.Fatal(err)
	}
	pr.FailureSummary(outcomes())
	golden(t, "upload-report.golden", "stdout:\n"+out.String()+"stderr:\n"+errOut.String())

	out.Reset()
	errOut.Reset()
	if err := pr.UploadReport(outcomes(), true); err != nil {
		t.Fatal(err)
	}
	golden(t, "upload-report-json.golden", out.String())
}
