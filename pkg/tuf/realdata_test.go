package tuf_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/pyupload/pyupload/pkg/tuf"
)

// TestShippedRoots: the embedded production and staging roots parse, and
// a threshold of their own root keys signed each, checked at a time before
// their expiry read from the file (never today's date).
func TestShippedRoots(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		root          []byte
		repo          tuf.Repository
		wantVersion   int64
		wantThreshold int
		wantValid     int
	}{
		{"production", tuf.ProductionRoot(), tuf.Production(), 14, 3, 4},
		{"staging", tuf.StagingRoot(), tuf.Staging(), 13, 2, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			version, expires, valid, threshold, err := tuf.SelfSigned(tc.root)
			if err != nil {
				t.Fatalf("SelfSigned(%s) = %v", tc.name, err)
			}
			if version != tc.wantVersion || threshold != tc.wantThreshold || valid != tc.wantValid {
				t.Errorf("SelfSigned(%s) = version %d, %d valid of threshold %d, want version %d, %d valid of %d",
					tc.name, version, valid, threshold, tc.wantVersion, tc.wantValid, tc.wantThreshold)
			}
			if valid < threshold {
				t.Errorf("%s root: %d valid signatures, below its threshold %d", tc.name, valid, threshold)
			}
			var doc struct {
				Signed struct {
					Expires time.Time `json:"expires"`
				} `json:"signed"`
			}
			if err := json.Unmarshal(tc.root, &doc); err != nil {
				t.Fatal(err)
			}
			if !expires.Equal(doc.Signed.Expires) {
				t.Errorf("expires = %v, want %v", expires, doc.Signed.Expires)
			}
			for at, want := range map[time.Time]bool{expires.Add(-24 * time.Hour): false, expires: true} {
				if got, err := tuf.Expired(tc.root, at); err != nil || got != want {
					t.Errorf("Expired(%s, %v) = %v, %v, want %v", tc.name, at, got, err, want)
				}
			}
			if !bytes.Equal(tc.repo.Root, tc.root) {
				t.Errorf("%s repository root differs from the shipped root", tc.name)
			}
			if _, err := tuf.New(noNetwork(), tc.repo); err != nil {
				t.Errorf("tuf.New(%s) = %v", tc.name, err)
			}
		})
	}
}

// TestShippedRootsTampered: changing one byte of the signed part breaks the
// threshold.
func TestShippedRootsTampered(t *testing.T) {
	t.Parallel()
	root := tuf.ProductionRoot()
	tampered := bytes.Replace(root, []byte(`"version": 14`), []byte(`"version": 15`), 1)
	if bytes.Equal(tampered, root) {
		t.Fatal("no version field to tamper with")
	}
	_, _, valid, _, err := tuf.SelfSigned(tampered)
	if err != nil || valid != 0 {
		t.Errorf("SelfSigned(tampered) = %d valid, %v, want 0 valid", valid, err)
	}
}

var errNoNetwork = errors.New("test: no request may leave the machine")

// noNetwork is an HTTP client that sends nothing.
func noNetwork() *http.Client {
	return &http.Client{Transport: roundTripperFunc(func(*http.Request) (*http.Response, error) { return nil, errNoNetwork })}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestProductionOffline: the production client asks for 15.root.json first
// (through a transport that sends nothing) and reports the failure.
func TestProductionOffline(t *testing.T) {
	t.Parallel()
	var asked []string
	client := &http.Client{Transport: roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		asked = append(asked, r.URL.String())
		return nil, errNoNetwork
	})}
	c, err := tuf.New(client, tuf.Production())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Target(t.Context(), tuf.TrustedRootTarget); !errors.Is(err, errNoNetwork) {
		t.Errorf("Target offline = %v, want errNoNetwork", err)
	}
	if want := []string{tuf.ProductionMetadataURL + "/15.root.json"}; len(asked) != 1 || asked[0] != want[0] {
		t.Errorf("asked %v, want %v", asked, want)
	}
}
