package fakeindex

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/blake2b"

	"github.com/pyupload/pyupload/internal/testzip"
	"github.com/pyupload/pyupload/pkg/dist"
	pyupload "github.com/pyupload/pyupload/pkg/upload"
)

// knownDifferences are the cases where pyupload's client and the test
// index disagree on purpose, by case name. The client refuses each of
// them, for the reason given, though PyPI (and so the index) would take
// it. docs/test-index.md explains the policy; a difference that is a bug
// on either side is fixed, not listed.
var knownDifferences = map[string]string{
	"testdata/dists/bad/invalid_utf8-1.0-py3-none-any.whl": "PyPI never decodes METADATA, so it takes the " +
		"form whatever the file says; the client cannot read the metadata to send and refuses rather than guess",
}

// agreementCase is one file for both sides to judge.
type agreementCase struct {
	name     string // the case's name: a path from the repository root, or a description
	filename string // the distribution's file name
	content  []byte
}

// repoRoot is the repository root, relative to this package.
const repoRoot = "../.."

// TestClientAgreesWithIndex runs every committed distribution, every
// distribution built from a fuzz seed and a few generated archives through
// the client (dist.Read and dist.Check: refused when either reports an
// error) and through the index's upload pipeline (refused unless it
// answers 200), and fails on any disagreement that knownDifferences does
// not list, and on any listed difference that no longer occurs.
func TestClientAgreesWithIndex(t *testing.T) {
	t.Parallel()
	cases := committedDists(t)
	cases = append(cases, metadataSeeds(t, cases)...)
	cases = append(cases, generatedArchives(t)...)
	if len(cases) < 100 {
		t.Fatalf("%d cases, want at least 100: is the corpus where the test looks?", len(cases))
	}

	names := map[string]bool{}
	for _, c := range cases {
		if names[c.name] {
			t.Fatalf("two cases are named %s", c.name)
		}
		names[c.name] = true
	}
	for name := range knownDifferences {
		if !names[name] {
			t.Errorf("knownDifferences lists %s, which is no case any more", name)
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clientErr := clientVerdict(c)
			indexErr := indexVerdict(t, c)
			reason, listed := knownDifferences[c.name]
			switch {
			case (clientErr == "") == (indexErr == ""):
				if listed {
					t.Errorf("client %s, index %s; want the difference knownDifferences lists (%s), or drop the entry", verdict(clientErr), verdict(indexErr), reason)
				}
			case !listed:
				t.Errorf("client %s, index %s; want one verdict: fix the side that differs from PyPI, or list a deliberate difference in knownDifferences", verdict(clientErr), verdict(indexErr))
			case clientErr == "":
				t.Errorf("client %s, index %s; want the client's refusal knownDifferences lists (%s)", verdict(clientErr), verdict(indexErr), reason)
			}
		})
	}
}

// verdict describes one side's answer: "" is an acceptance.
func verdict(refusal string) string {
	if refusal == "" {
		return "accepts"
	}
	return "refuses: " + strconv.Quote(refusal)
}

// clientVerdict is what `pyupload check` decides: the first error, or ""
// when the client would upload the file.
func clientVerdict(c agreementCase) string {
	d, err := dist.Read(bytes.NewReader(c.content), int64(len(c.content)), c.filename)
	if err != nil {
		return err.Error()
	}
	for _, p := range dist.Check(d) {
		if p.Severity == dist.Error {
			return p.Message
		}
	}
	return ""
}

// indexVerdict uploads the case to a fresh index, without HTTP but through
// the pipeline /legacy/ runs, and returns its message, or "" when it
// stores the file. The form is the client's when the client can read the
// file, else the one looseForm makes.
func indexVerdict(t *testing.T, c agreementCase) string {
	t.Helper()
	ix := New(WithStorageDir(t.TempDir()))
	t.Cleanup(func() { _ = ix.Close() })
	var fields []dist.FormValue
	if d, err := dist.Read(bytes.NewReader(c.content), int64(len(c.content)), c.filename); err == nil {
		fields = pyupload.Form(d, "", "")
	} else {
		fields = looseForm(c)
	}
	form := url.Values{}
	for _, f := range fields {
		form.Add(f.Key, f.Value)
	}
	sp, err := ix.spoolPart(bytes.NewReader(c.content), true)
	if err != nil {
		t.Fatal(err)
	}
	sp.filename, sp.ctype = c.filename, "application/octet-stream"
	up := &upload{
		authorization: "Basic " + base64.StdEncoding.EncodeToString([]byte("__token__:"+DefaultToken)),
		userAgent:     "agreement-test", form: form, content: sp,
	}
	defer up.cleanup()
	rp := ix.fileUpload(up)
	if rp.status == http.StatusOK {
		return ""
	}
	return strconv.Itoa(rp.status) + " " + rp.message
}

// committedDists are the distributions committed under testdata/ (every
// file in testdata/dists, and files elsewhere named like a distribution)
// and in the FuzzRead seed corpus of pkg/dist.
func committedDists(t *testing.T) []agreementCase {
	t.Helper()
	var cases []agreementCase
	err := filepath.WalkDir(filepath.Join(repoRoot, "testdata"), func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(repoRoot, p)
		rel = filepath.ToSlash(rel)
		isDist := strings.HasPrefix(rel, "testdata/dists/") && e.Name() != "README.md"
		for _, ext := range []string{".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz", ".egg"} {
			isDist = isDist || strings.HasSuffix(e.Name(), ext)
		}
		if !isDist {
			return nil
		}
		b, err := os.ReadFile(p)
		cases = append(cases, agreementCase{name: rel, filename: e.Name(), content: b})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range seedCorpus(t, "FuzzRead") {
		if len(s.values) == 2 {
			cases = append(cases, agreementCase{name: s.name, filename: path.Base(s.values[0]), content: []byte(s.values[1])})
		}
	}
	return cases
}

// seed is one entry of a fuzz seed corpus: its path from the repository
// root and its values.
type seed struct {
	name   string
	values []string
}

// seedCorpus reads pkg/dist/testdata/fuzz/<target>: files of "go test
// fuzz v1" and one quoted string or []byte value per line.
func seedCorpus(t *testing.T, target string) []seed {
	t.Helper()
	dir := path.Join("pkg/dist/testdata/fuzz", target)
	entries, err := os.ReadDir(filepath.Join(repoRoot, dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var seeds []seed
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(repoRoot, dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if lines[0] != "go test fuzz v1" {
			t.Fatalf("%s/%s: not a fuzz corpus file", dir, e.Name())
		}
		s := seed{name: dir + "/" + e.Name()}
		for _, l := range lines[1:] {
			l = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(l, "[]byte("), "string("), ")")
			v, err := strconv.Unquote(l)
			if err != nil {
				t.Fatalf("%s/%s: %q: %v", dir, e.Name(), l, err)
			}
			s.values = append(s.values, v)
		}
		seeds = append(seeds, s)
	}
	return seeds
}

// metadataSeeds are FuzzParseMetadata's seeds, each in a wheel that is
// otherwise sound, so only the metadata is judged: the committed texts,
// and the metadata of every committed distribution the client reads,
// rendered as the fuzz target renders it.
func metadataSeeds(t *testing.T, committed []agreementCase) []agreementCase {
	t.Helper()
	var cases []agreementCase
	for _, s := range seedCorpus(t, "FuzzParseMetadata") {
		cases = append(cases, metadataWheel(t, s.name, []byte(s.values[0])))
	}
	for _, c := range committed {
		d, err := dist.Read(bytes.NewReader(c.content), int64(len(c.content)), c.filename)
		if err != nil {
			continue
		}
		var b strings.Builder
		for i := range dist.Fields {
			if dist.Fields[i].Header == "Description" {
				continue
			}
			for _, v := range dist.Fields[i].Values(d.Metadata) {
				b.WriteString(dist.Fields[i].Header + ": " + v + "\n")
			}
		}
		b.WriteString("\n" + d.Metadata.Description)
		cases = append(cases, metadataWheel(t, "metadata of "+c.name, []byte(b.String())))
	}
	return cases
}

// metadataWheel wraps metadata in a wheel named after its Name and
// Version (normalised, so that the filename matches any valid name).
func metadataWheel(t *testing.T, name string, metadata []byte) agreementCase {
	t.Helper()
	headers, _ := parseHeaders(metadata)
	project := strings.ReplaceAll(canonicalName(first(headers["name"], "unnamed")), "-", "_")
	version := first(headers["version"], "0")
	content := testzip.Build(t, "", testzip.DistInfo(project, version, metadata)...)
	return agreementCase{name: name, filename: project + "-" + version + "-py3-none-any.whl", content: content}
}

func first(vals []string, fallback string) string {
	if len(vals) == 0 || vals[0] == "" {
		return fallback
	}
	return vals[0]
}

// generatedArchives probe the archive rules where the committed files do
// not: the compression ratio at its limits and zip framing.
func generatedArchives(t *testing.T) []agreementCase {
	t.Helper()
	wheel := func(name string, content []byte) agreementCase {
		zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
		if err != nil {
			t.Fatal(err)
		}
		project, _, _ := strings.Cut(zr.File[0].Name, "-")
		return agreementCase{name: "generated: " + name, filename: project + "-1.0-py3-none-any.whl", content: content}
	}
	w := testzip.WheelMembers("x")
	payload := testzip.Stored("x/__init__.py", []byte("x = 1\n"))
	edited := func(edit func(*testzip.Member)) testzip.Member {
		m := payload
		edit(&m)
		return m
	}
	var cases []agreementCase
	for _, e := range bombLimits.Edges() {
		cases = append(cases, wheel(e.Name, e.Wheel(t)))
	}
	return append(cases,
		wheel("archive comment", testzip.Build(t, "a comment", append(w, payload)...)),
		wheel("member comment", testzip.Build(t, "", append(w, edited(func(m *testzip.Member) { m.Comment = "a comment" }))...)),
		wheel("data descriptor", testzip.Build(t, "", append(w, edited(func(m *testzip.Member) { m.Flags = 0x08 }))...)),
		wheel("control character in a member name", testzip.Build(t, "", append(w, testzip.Stored("x/a\tb.py", nil))...)),
		longName(t, 246), longName(t, 247),
	)
}

// longName is a sound wheel whose filename has n bytes: the index
// stores its METADATA as <filename>.metadata, which fails past 255.
func longName(t *testing.T, n int) agreementCase {
	t.Helper()
	project := "x" + strings.Repeat("y", n-len("x-1.0-py3-none-any.whl"))
	return agreementCase{name: "generated: a filename of " + strconv.Itoa(n) + " bytes", filename: project + "-1.0-py3-none-any.whl",
		content: testzip.Build(t, "", testzip.WheelMembers(project)...)}
}

// looseForm is the form for a file the client cannot read, as a client
// that does not validate would send it: filetype and pyversion from the
// filename, the digests, and the metadata member's headers each under its
// form key (repeated headers repeated, the body as the description), with
// name and version from the filename when the metadata lacks them.
func looseForm(c agreementCase) []dist.FormValue {
	filetype, pyversion := filetypeSdist, "source"
	stem := c.filename
	if s, ok := strings.CutSuffix(c.filename, ".whl"); ok {
		filetype, pyversion, stem = filetypeWheel, "py3", s
		if parts := strings.Split(s, "-"); len(parts) >= 5 {
			pyversion = parts[len(parts)-3]
		}
	}
	for _, ext := range []string{".tar.gz", ".tar.bz2", ".zip"} {
		stem = strings.TrimSuffix(stem, ext)
	}
	name, version, _ := strings.Cut(stem, "-")
	version, _, _ = strings.Cut(version, "-")
	if filetype == filetypeSdist {
		if i := strings.LastIndexByte(stem, '-'); i >= 0 {
			name, version = stem[:i], stem[i+1:]
		}
	}
	blake := blake2b.Sum256(c.content)
	fields := []dist.FormValue{
		{Key: ":action", Value: "file_upload"}, {Key: "protocol_version", Value: "1"},
		{Key: "filetype", Value: filetype}, {Key: "pyversion", Value: pyversion},
		{Key: "sha256_digest", Value: sha256Hex(c.content)}, {Key: "blake2_256_digest", Value: hex.EncodeToString(blake[:])},
	}
	headers, body := parseHeaders(metadataMember(c))
	defaults := map[string]string{"metadata-version": "2.1", "name": name, "version": version}
	for _, f := range metadataFields {
		vals := headers[f.header]
		if f.key == "description" && body != "" {
			vals = append(vals, body)
		}
		if len(vals) == 0 && defaults[f.header] != "" {
			vals = []string{defaults[f.header]}
		}
		for _, v := range vals {
			fields = append(fields, dist.FormValue{Key: f.key, Value: v})
		}
	}
	return fields
}

// metadataMember finds METADATA or PKG-INFO where the index would look,
// without judging the archive; nil when there is none to read.
func metadataMember(c agreementCase) []byte {
	r := bytes.NewReader(c.content)
	switch {
	case strings.HasSuffix(c.filename, ".whl"), strings.HasSuffix(c.filename, ".zip"):
		zr, err := zip.NewReader(r, int64(len(c.content)))
		if err != nil {
			return nil
		}
		for _, zf := range zr.File {
			dir, base := path.Split(zf.Name)
			if base == "METADATA" && strings.HasSuffix(dir, ".dist-info/") || base == "PKG-INFO" && strings.Count(zf.Name, "/") == 1 {
				b, _ := readMember(zr, zf.Name)
				return b
			}
		}
	case strings.HasSuffix(c.filename, ".tar.gz"):
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil
		}
		tr := tar.NewReader(gz)
		for {
			h, err := tr.Next()
			if err != nil {
				return nil
			}
			if path.Base(h.Name) == "PKG-INFO" && strings.Count(strings.Trim(h.Name, "/"), "/") == 1 {
				b, _ := io.ReadAll(io.LimitReader(tr, maxMemberSize))
				return b
			}
		}
	}
	return nil
}

// parseHeaders reads email-style headers leniently, by lowercase name:
// folded lines are kept with their line break, as Python's email parser
// does; what follows the first blank line is the body.
func parseHeaders(b []byte) (headers map[string][]string, body string) {
	headers = map[string][]string{}
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	var last string
	for {
		line, rest, found := strings.Cut(text, "\n")
		if line == "" {
			if found {
				body = rest
			}
			return headers, body
		}
		text = rest
		if line[0] == ' ' || line[0] == '\t' {
			if vals := headers[last]; len(vals) > 0 {
				vals[len(vals)-1] += "\n" + line
			}
		} else if key, value, ok := strings.Cut(line, ":"); ok {
			last = strings.ToLower(key)
			headers[last] = append(headers[last], strings.TrimLeft(value, " \t"))
		}
		if !found {
			return headers, body
		}
	}
}

// TestArchiveCasesAgree sends every hand-built malformed archive to the
// index and asserts PyPI's own text, the text pkg/dist's
// TestArchiveCases asserts for the client: both sides judge the same
// bytes with their own rules.
func TestArchiveCasesAgree(t *testing.T) {
	t.Parallel()
	for _, c := range append(testzip.ZipCases(), testzip.TarCases(t)...) {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			got := indexVerdict(t, agreementCase{name: c.Name, filename: c.Filename, content: c.Content})
			want := ""
			if c.Want != "" {
				want = "400 Invalid distribution file. " + c.Want
			}
			if got != want {
				t.Errorf("index answered %q, want %q", got, want)
			}
		})
	}
}
