package dist_test

import (
	"fmt"
	"os"

	"github.com/pyupload/pyupload/pkg/dist"
)

// Read a wheel from any io.ReaderAt, then check it against the index's
// rules.
func ExampleRead() {
	const path = "../../testdata/dists/good/pyupload_mv24-2.4-py3-none-any.whl"
	f, err := os.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := dist.Read(f, st.Size(), path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Filename.Kind, d.Metadata.Name, d.Metadata.Version, d.Metadata.LicenseExpression)
	fmt.Println("problems:", len(dist.Check(d)))
	// Output:
	// bdist_wheel pyupload-mv24 2.4 MIT
	// problems: 0
}

// ParseFilename splits a wheel name into its parts without opening it.
func ExampleParseFilename() {
	fn, err := dist.ParseFilename("dist/my_pkg-2.0rc1-py2.py3-none-manylinux_2_17_x86_64.whl")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fn.Name, fn.ParsedVersion, fn.PythonTag(), fn.PlatformTags)
	// Output: my_pkg 2.0rc1 py2.py3 [manylinux_2_17_x86_64]
}
