package wheel

import "strings"

// The core metadata every wheel carries (Metadata-Version 2.4).
const (
	// Summary is the one-line description.
	Summary = "Publish Python distributions to PyPI or any index with its upload API: one static binary, Trusted Publishing, every file checked first"
	// RequiresPython: the wheel holds no Python code; it only needs a
	// Python whose pip knows the platform tags (musllinux came with
	// pip 21.2, which ran on Python 3.6 and later).
	RequiresPython = ">=3.7"
	// Homepage is the project's repository (its Go module path).
	Homepage = "https://github.com/pyupload/pyupload"
)

// ProjectURLs are the Project-URL entries, label then URL.
var ProjectURLs = [][2]string{
	{"Homepage", Homepage},
	{"Documentation", Homepage + "/blob/main/docs/wheels.md"},
	{"Source", Homepage},
	{"Issues", Homepage + "/issues"},
}

// description is the wheel's long description (Markdown), written for
// someone who found pyupload on the index; the README is for the
// repository.
const description = `# pyupload

pyupload publishes Python distributions (wheels and sdists) to PyPI, TestPyPI or any index
with the same upload API. It is one static binary: this wheel only puts it on your PATH, and
needs no Python at run time.

- Every file is checked first, as the index would check it; nothing is sent unless all pass.
- Trusted Publishing from GitHub Actions, GitLab CI, Google Cloud and other CI systems: no
  secret to store. API tokens work the way twine takes them.
- Concurrent uploads with safe retries; an identical file already on the index is skipped.

` + "```sh" + `
pipx run pyupload check dist/*
uvx pyupload dist/*
pip install pyupload && pyupload --help
` + "```" + `

Each wheel holds the static binary for one platform: Linux (glibc or
musl) on x86-64, aarch64, i686, armv7l, ppc64le, s390x and riscv64, macOS 12 or later on
Intel and Apple silicon, and Windows on x86-64 and arm64. There is no sdist: the binary is
built from Go sources, which pip cannot build.
`

// metadata is the METADATA file of s.
func metadata(s Spec) []byte {
	var b strings.Builder
	header := func(k, v string) { b.WriteString(k + ": " + v + "\n") }
	header("Metadata-Version", "2.4")
	header("Name", Name)
	header("Version", s.Version)
	header("Summary", Summary)
	header("License-Expression", s.License)
	header("Requires-Python", RequiresPython)
	for _, u := range ProjectURLs {
		header("Project-URL", u[0]+", "+u[1])
	}
	header("Description-Content-Type", "text/markdown")
	b.WriteString("\n" + description)
	return []byte(b.String())
}
