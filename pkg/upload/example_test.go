package upload_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"

	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/pkg/dist"
	"github.com/pyupload/pyupload/pkg/upload"
)

// Upload a checked wheel and its sdist to an index (here the in-process
// fake index), four files at a time, with an API token.
func ExampleNew() {
	storage, err := os.MkdirTemp("", "example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = os.RemoveAll(storage) }()
	index := fakeindex.New(fakeindex.WithTokens("pypi-example"), fakeindex.WithStorageDir(storage))
	srv := httptest.NewServer(index)
	defer srv.Close()

	var dists []*dist.Dist
	for _, p := range []string{
		"../../testdata/dists/good/pyupload_mv22-2.2.tar.gz",
		"../../testdata/dists/good/pyupload_mv22-2.2-py3-none-any.whl",
	} {
		d, err := dist.Open(p)
		if err != nil {
			fmt.Println(err)
			return
		}
		dists = append(dists, d)
	}
	endpoint, _ := url.Parse(srv.URL + "/legacy/")
	up, err := upload.New(srv.Client(), endpoint,
		upload.WithJobs(4),
		upload.WithCredentials(func(context.Context) (string, string, error) {
			return "__token__", "pypi-example", nil
		}))
	if err != nil {
		fmt.Println(err)
		return
	}
	results, err := up.Upload(context.Background(), dists)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range results {
		fmt.Println(r.Status, r.Dist.Filename.Base)
	}
	// Output:
	// uploaded pyupload_mv22-2.2.tar.gz
	// uploaded pyupload_mv22-2.2-py3-none-any.whl
}
