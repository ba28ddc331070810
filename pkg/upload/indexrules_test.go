package upload

import (
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/internal/readapi"
)

const (
	hatchSdist = "pyupload_sample_hatch-1.0.0rc1.tar.gz"
	hatchWheel = "pyupload_sample_hatch-1.0.0rc1-py3-none-any.whl"
)

// preloadedAt stores the hatch sample's sdist as uploaded age ago, so the
// release is that old; the index's clock is then the real one, which its
// answers' Date headers also show.
func preloadedAt(t *testing.T, age time.Duration, opts ...fakeindex.Option) (*fakeindex.Index, string) {
	t.Helper()
	clock := fakeindex.NewClock(time.Now().Add(-age))
	ix, srv := serveIndex(t, append(opts, fakeindex.WithClock(clock.Now))...)
	content, err := os.ReadFile(goodDir + hatchSdist)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Preload("pyupload-sample-hatch", "1.0.0rc1", hatchSdist, content); err != nil {
		t.Fatal(err)
	}
	clock.Set(time.Now())
	return ix, srv.URL + ix.UploadPath()
}

// TestReleaseAgeRule: PyPI takes no new file for a release older than 14
// days; the refusal is predicted from the read API before anything is
// sent, while identical files still count as present, and a younger
// release takes the file.
func TestReleaseAgeRule(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		age     time.Duration
		refused bool
	}{
		{"15 days", 15 * 24 * time.Hour, true},
		{"13 days", 13 * 24 * time.Hour, false},
		{"14 days and 5 minutes", 14*24*time.Hour + 5*time.Minute, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix, endpoint := preloadedAt(t, tt.age)
			up, err := New(http.DefaultClient, mustURL(t, endpoint), WithCredentials(creds))
			if err != nil {
				t.Fatal(err)
			}
			res, err := up.Upload(t.Context(), goodDists(t, hatchWheel, hatchSdist))
			if res[1].Status != AlreadyPresent {
				t.Errorf("identical sdist: %v, want already present", res[1].Status)
			}
			if !tt.refused {
				if err != nil || res[0].Status != Uploaded {
					t.Fatalf("wheel: %v, %v; want uploaded", res[0].Status, err)
				}
				return
			}
			var rule *IndexRuleError
			if !errors.As(err, &rule) || rule.Rule != RuleReleaseAge {
				t.Fatalf("Upload() error = %v, want an IndexRuleError for the release age", err)
			}
			if !strings.Contains(err.Error(), "Uploading new files to releases older than 14 days is not allowed.") || !strings.Contains(err.Error(), " days ago, per http") {
				t.Errorf("error = %q, want PyPI's text and the release's age", err)
			}
			if res[0].Status != Failed {
				t.Errorf("wheel: %v, want failed", res[0].Status)
			}
			if n := ix.UploadAttempts(); n != 0 {
				t.Errorf("%d upload attempts, want none: the refusal is known before any upload", n)
			}
		})
	}
}

// TestReleaseAgeOnlyOnPyPI: no other registry has the 14-day rule.
func TestReleaseAgeOnlyOnPyPI(t *testing.T) {
	t.Parallel()
	_, endpoint := preloadedAt(t, 30*24*time.Hour, fakeindex.WithProfile(fakeindex.ProfileGitea))
	up, err := New(http.DefaultClient, mustURL(t, endpoint), WithCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	res, err := up.Upload(t.Context(), goodDists(t, hatchWheel))
	if err != nil || res[0].Status != Uploaded {
		t.Fatalf("Upload() = %v, %v; want the wheel uploaded to a registry without the rule", res[0].Status, err)
	}
}

// TestProjectStatusRules: an archived project takes no upload at all; a
// quarantined one takes none from Trusted Publishing but still takes an
// owner's API token. Predicted refusals send nothing.
func TestProjectStatusRules(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status  string
		trusted bool
		rule    string // "" when the upload goes ahead
	}{
		{fakeindex.StatusArchived, false, RuleArchived},
		{fakeindex.StatusArchived, true, RuleArchived},
		{fakeindex.StatusQuarantined, true, RuleQuarantined},
		{fakeindex.StatusQuarantined, false, ""},
		{fakeindex.StatusActive, true, ""},
	} {
		t.Run(tt.status, func(t *testing.T) {
			t.Parallel()
			ix, endpoint := preloadedAt(t, time.Hour)
			if err := ix.SetProjectStatus("pyupload-sample-hatch", tt.status); err != nil {
				t.Fatal(err)
			}
			opts := []Option{WithCredentials(creds)}
			if tt.trusted {
				opts = append(opts, WithTrustedPublishing())
			}
			up, err := New(http.DefaultClient, mustURL(t, endpoint), opts...)
			if err != nil {
				t.Fatal(err)
			}
			res, err := up.Upload(t.Context(), goodDists(t, hatchWheel))
			if tt.rule == "" {
				if err != nil || res[0].Status != Uploaded {
					t.Fatalf("Upload() = %v, %v; want uploaded", res[0].Status, err)
				}
				return
			}
			var rule *IndexRuleError
			if !errors.As(err, &rule) || rule.Rule != tt.rule {
				t.Fatalf("Upload() error = %v, want an IndexRuleError %s", err, tt.rule)
			}
			if n := ix.UploadAttempts(); n != 0 {
				t.Errorf("%d upload attempts, want none", n)
			}
		})
	}
}

// TestReleaseAgeFromCheckURL: a --check-url simple page gives the upload
// times too (PEP 691), so the rule of the Warehouse endpoint holds.
func TestReleaseAgeFromCheckURL(t *testing.T) {
	t.Parallel()
	ix, endpoint := preloadedAt(t, 30*24*time.Hour)
	check := mustURL(t, strings.TrimSuffix(endpoint, "/legacy/")+"/simple/")
	up, err := New(http.DefaultClient, mustURL(t, endpoint), WithCredentials(creds), WithCheckURL(check))
	if err != nil {
		t.Fatal(err)
	}
	_, err = up.Upload(t.Context(), goodDists(t, hatchWheel))
	var rule *IndexRuleError
	if !errors.As(err, &rule) || rule.Rule != RuleReleaseAge || !strings.Contains(rule.Evidence, "/simple/pyupload-sample-hatch/") {
		t.Fatalf("Upload() error = %v, want the release-age rule from the simple page", err)
	}
	if n := ix.UploadAttempts(); n != 0 {
		t.Errorf("%d upload attempts, want none", n)
	}
}

// TestReleaseAgeClock: the index's Date decides the age only when it is
// close to our clock; a Date far off (a proxy, a wrong host clock) does
// not make a young release look closed.
func TestReleaseAgeClock(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	up, err := New(http.DefaultClient, mustURL(t, "https://upload.pypi.org/legacy/"), WithCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	up.opts.now = func() time.Time { return now }
	d := openDist(t, hatchWheel)
	src := readapi.Candidates(up.endpoint, nil)[0]
	for _, tt := range []struct {
		name          string
		first, answer time.Time
		closed        bool
	}{
		{"young release, Date 400 days ahead", now.Add(-time.Hour), now.Add(400 * 24 * time.Hour), false},
		{"old release, Date agrees", now.Add(-15 * 24 * time.Hour), now.Add(time.Minute), true},
		{"old release, no Date", now.Add(-15 * 24 * time.Hour), time.Time{}, true},
		{"14 days and 5 minutes by the index's Date", now.Add(-14*24*time.Hour - 5*time.Minute), now, true},
		{"14 days and 5 minutes by our clock alone", now.Add(-14*24*time.Hour - 5*time.Minute), time.Time{}, false},
	} {
		l := &readapi.Listing{Source: src, ReleaseFiles: 1, FirstUpload: tt.first, AnsweredAt: tt.answer}
		if got := up.indexRule(d, l) != nil; got != tt.closed {
			t.Errorf("%s: refused = %v, want %v", tt.name, got, tt.closed)
		}
	}
}
