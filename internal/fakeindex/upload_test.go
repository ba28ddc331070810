package fakeindex_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

const (
	seeCore  = " See https://packaging.python.org/specifications/core-metadata for more information."
	mv24     = goodDir + "/pyupload_mv24-2.4-py3-none-any.whl"
	mv24Sdst = goodDir + "/pyupload_mv24-2.4.tar.gz"
	poetry   = goodDir + "/pyupload_sample_poetry-2.1.0-py3-none-any.whl"
)

// TestUploadGoodDists stores every valid distribution in testdata and
// records what was sent.
func TestUploadGoodDists(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	paths, err := filepath.Glob(goodDir + "/*.*")
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, p := range paths {
		if strings.HasSuffix(p, ".md") {
			continue
		}
		want++
		f, content := distForm(t, p)
		if res := upload(t, srv, f); res.status != http.StatusOK {
			t.Errorf("upload %s = %d %q, want 200", filepath.Base(p), res.status, res.body)
			continue
		}
		got, err := ix.Content(filepath.Base(p))
		if err != nil || string(got) != string(content) {
			t.Errorf("Content(%s) = %d bytes, %v; want the %d bytes uploaded", filepath.Base(p), len(got), err, len(content))
		}
	}
	files := ix.Files()
	if len(files) != want {
		t.Fatalf("Files() has %d files, want %d", len(files), want)
	}
	for i, f := range files {
		if i > 0 && files[i-1].Filename >= f.Filename {
			t.Errorf("Files() not sorted: %s before %s", files[i-1].Filename, f.Filename)
		}
		if f.UploadedVia != "fakeindex-test/1.0" || f.SHA256 == "" || f.Blake2b256 == "" || f.Size == 0 || f.Fields.Get(":action") != "file_upload" {
			t.Errorf("Files()[%d] = %+v, want the request recorded", i, f)
		}
	}
	if got := ix.UploadAttempts(); got != want {
		t.Errorf("UploadAttempts() = %d, want %d", got, want)
	}
}

// TestValidation checks each row of the validation table
// (docs/index-server.md §2) that the index implements: status and the
// exact message from the JSON body.
func TestValidation(t *testing.T) {
	t.Parallel()
	whl, _ := distForm(t, mv24)
	sdist, _ := distForm(t, mv24Sdst)
	poe, _ := distForm(t, poetry)
	const stored = "" // marks a case that must succeed
	long := strings.Repeat("a", 40) + "!" + strings.Repeat("b", 40)
	tests := []struct {
		name   string
		form   form
		opts   []reqOpt
		status int
		want   string
	}{
		// Row 1: sanitize.
		{"description as a file part", whl.without("description").with(filePart("description", "README.md", []byte("x"))), nil, 400, "description: Should not be a tuple."},
		{"gpg_signature as a file part is ignored", whl.with(filePart("gpg_signature", "x.asc", []byte("sig"))), nil, 200, stored},
		{"tuple wins over bad auth", whl.with(filePart("summary", "s.txt", []byte("x"))), []reqOpt{withHeader("Authorization", "")}, 400, "summary: Should not be a tuple."},
		{"UNKNOWN value is deleted", whl.set("summary", "  UNKNOWN "), nil, 200, stored},
		{"UNKNOWN name is deleted, then required", whl.set("name", "UNKNOWN"), nil, 400, "'' is an invalid value for Name. Error: This field is required." + seeCore},
		// Row 3: auth.
		{"no credentials", whl, []reqOpt{withHeader("Authorization", "")}, 403, "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information."},
		{"unknown token", whl, []reqOpt{withHeader("Authorization", basicAuth("__token__", "pypi-wrong"))}, 403, "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information."},
		{"username and password", whl, []reqOpt{withHeader("Authorization", basicAuth("alice", "secret"))}, 403, "Username/Password authentication is no longer supported. Migrate to API Tokens or Trusted Publishers instead. See https://pypi.org/help/#apitoken and https://pypi.org/help/#trusted-publishers"},
		{"token with spaces around it", whl, []reqOpt{withHeader("Authorization", basicAuth("__token__", " "+fakeindex.DefaultToken+"\n"))}, 200, stored},
		{"bearer token", whl, []reqOpt{withHeader("Authorization", "Bearer "+fakeindex.DefaultToken)}, 200, stored},
		{"token scheme", whl, []reqOpt{withHeader("Authorization", "token "+fakeindex.DefaultToken)}, 200, stored},
		// Row 4.
		{"protocol version 2", whl.set("protocol_version", "2"), nil, 400, "Unknown protocol version."},
		{"protocol version absent", whl.without("protocol_version"), nil, 200, stored},
		// Row 5: the form.
		{"name missing", whl.without("name"), nil, 400, "'' is an invalid value for Name. Error: This field is required." + seeCore},
		{"name invalid", whl.set("name", "-bad-"), nil, 400, "'-bad-' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'." + seeCore},
		{"name long and invalid", whl.set("name", long), nil, 400, "'" + strings.Repeat("a", 30) + "..." + strings.Repeat("b", 30) + "' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'." + seeCore},
		{"name error wins over filetype", whl.set("name", "-bad-").without("filetype"), nil, 400, "'-bad-' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'." + seeCore},
		{"filetype missing", whl.without("filetype"), nil, 400, "Invalid value for filetype. Error: This field is required."},
		{"filetype unknown", whl.set("filetype", "bdist_egg"), nil, 400, "Invalid value for filetype. Error: Use a known file type."},
		{"blake2 format reported before filetype", whl.without("filetype").set("blake2_256_digest", "xyz"), nil, 400, "Invalid value for blake2_256_digest. Error: Use a valid, hex-encoded, BLAKE2 message digest."},
		{"sha256 format", whl.set("sha256_digest", "abc"), nil, 400, "Invalid value for sha256_digest. Error: Use a valid, hex-encoded, SHA256 message digest."},
		{"pyversion missing for a wheel", whl.without("pyversion"), nil, 400, "Invalid value for pyversion. Error: Python version is required for binary distribution uploads."},
		{"pyversion of an sdist", sdist.set("pyversion", "py3"), nil, 400, "Invalid value for pyversion. Error: Use 'source' as Python version for an sdist."},
		{"pyversion absent for an sdist", sdist.without("pyversion"), nil, 200, stored},
		{"no digest", whl.without("sha256_digest").without("blake2_256_digest"), nil, 400, "Error: Include at least one message digest."},
		// Row 6: metadata.
		{"metadata version 2.0", whl.set("metadata_version", "2.0"), nil, 400, "'2.0' is not a valid metadata version." + seeCore},
		{"metadata version missing", whl.without("metadata_version"), nil, 400, "None is not a valid metadata version." + seeCore},
		{"field newer than metadata version", whl.set("metadata_version", "2.1"), nil, 400, "license-expression introduced in metadata version 2.4, not 2.1." + seeCore},
		{"dynamic newer than metadata version", poe.with(field("dynamic", "Summary")), nil, 400, "dynamic introduced in metadata version 2.2, not 2.1." + seeCore},
		{"version missing", whl.without("version"), nil, 400, "'version' is a required field." + seeCore},
		{"version not PEP 440", whl.set("version", "dog"), nil, 400, "'dog' is invalid for 'version'." + seeCore},
		{"local version", whl.set("version", "2.4+local"), nil, 400, "The use of local versions in '2.4+local' is not allowed. See https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers for more information."},
		{"summary on two lines", whl.set("summary", "one\ntwo"), nil, 400, "'summary' must be a single line." + seeCore},
		{"summary too long", whl.set("summary", strings.Repeat("s", 513)), nil, 400, "'summary' field must be 512 characters or less." + seeCore},
		{"summary sent twice", whl.with(field("summary", "again")), nil, 400, "'summary' has invalid data." + seeCore},
		{"keywords sent twice", whl.with(field("keywords", "more")), nil, 400, "'keywords' has invalid data." + seeCore},
		{"project url label twice", whl.with(field("project_urls", "Source, https://example.com/other")), nil, 400, "'project_urls' has invalid data." + seeCore},
		{"empty value is absent", whl.set("summary", ""), nil, 200, stored},
		{"description content type", whl.set("description_content_type", "text/html"), nil, 400, "'description-content-type' must be one of ['text/plain', 'text/x-rst', 'text/markdown'], not 'text/html'." + seeCore},
		{"description charset", whl.set("description_content_type", "text/markdown; charset=latin-1"), nil, 400, "'description-content-type' can only specify the UTF-8 charset, not 'latin-1'." + seeCore},
		{"markdown variant", whl.set("description_content_type", "text/markdown; variant=Pandoc"), nil, 400, "valid Markdown variants for 'description-content-type' are ['GFM', 'CommonMark'], not 'Pandoc'." + seeCore},
		{"dynamic name", whl.with(field("dynamic", "Name")), nil, 400, "'name' is not allowed as a dynamic field." + seeCore},
		{"dynamic unknown", whl.with(field("dynamic", "Colour")), nil, 400, "'colour' is not a valid dynamic field." + seeCore},
		{"private classifier", whl.with(field("classifiers", "Private :: Do Not Upload")), nil, 400, "'Private :: Do Not Upload' is not a valid classifier." + seeCore},
		{"direct dependency", poe.with(field("requires_dist", "pkg @ https://example.com/pkg.whl")), nil, 400, "Can't have direct dependency: pkg @ https://example.com/pkg.whl." + seeCore},
		{"requirement does not parse", poe.with(field("requires_dist", "pkg >>= 1")), nil, 400, "'pkg >>= 1' is invalid for 'requires-dist'." + seeCore},
		{"requires-python does not parse", poe.set("requires_python", "3.8"), nil, 400, "'3.8' is invalid for 'requires-python'." + seeCore},
		{"license and license expression", whl.with(field("license", "MIT")), nil, 400, "License is deprecated when License-Expression is present. Only License-Expression should be present." + seeCore},
		{"license expression syntax", whl.set("license_expression", "MIT OR"), nil, 400, "'MIT OR' is invalid for 'license-expression'." + seeCore},
		{"license file path", whl.set("license_file", "../LICENSE"), nil, 400, "'../LICENSE' is invalid for 'license-file', parent directory indicators are not allowed." + seeCore},
		{"author email", poe.set("author_email", "not-an-email"), nil, 400, "'not-an-email' is not a valid email address: An email address must have an @-sign." + seeCore},
		{"home page scheme", poe.set("home_page", "ftp://example.com/"), nil, 400, "'ftp://example.com/' is not a valid url." + seeCore},
		{"project url label too long", poe.with(field("project_urls", strings.Repeat("L", 33)+", https://example.com/")), nil, 400, "'" + strings.Repeat("L", 33) + "' must be 32 characters or less." + seeCore},
		{"import name newer than metadata", whl.with(field("import_name", "pkg")), nil, 400, "import-name introduced in metadata version 2.5, not 2.4." + seeCore},
		{"metadata version error wins", whl.set("metadata_version", "3.0").set("version", "dog"), nil, 400, "'3.0' is not a valid metadata version." + seeCore},
		{"name-like field key is ignored", whl.with(field("Description-Content-Type", "text/html")), nil, 200, stored},
		// Row 7.
		{"content missing", whl.without("content"), nil, 400, "Upload payload does not have a file."},
		{"content as a plain field", whl.without("content").with(field("content", "PK")), nil, 400, "Upload payload does not have a file."},
		// Row 12.
		{"rst does not render", whl.set("description", ".. frobnicate:: now\n").set("description_content_type", "text/x-rst"), nil, 400, "The description failed to render for 'text/x-rst'. See https://pypi.org/help/#description-content-type for more information."},
		{"default rst does not render", whl.set("description", ".. raw:: html\n\n   <b>x</b>\n").without("description_content_type"), nil, 400, "The description failed to render in the default format of reStructuredText. See https://pypi.org/help/#description-content-type for more information."},
		{"title underline too short", whl.set("description", "Title\n====\n\nText.\n").set("description_content_type", "text/x-rst"), nil, 400, "The description failed to render for 'text/x-rst'. See https://pypi.org/help/#description-content-type for more information."},
		// Row 14.
		{"slash in filename", whl.mapContent(func(p part) part { p.filename = "dist/" + p.filename; return p }), nil, 400, `Cannot upload a file with '/' or '\' in the name.`},
		{"control character in filename", whl.mapContent(func(p part) part { p.filename, p.star = "pyupload_mv24\x01-2.4-py3-none-any.whl", true; return p }), nil, 400, "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name."},
		{"unknown extension", whl.mapContent(func(p part) part { p.filename = "pyupload_mv24-2.4.tar.bz2"; return p }), nil, 400, "Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more information"},
		{"wheel extension for an sdist", whl.set("filetype", "sdist").set("pyversion", "source"), nil, 400, "Invalid file extension: Extension .whl is invalid for filetype sdist. See https://www.python.org/dev/peps/pep-0527 for more information."},
		{"extension case matters", whl.mapContent(func(p part) part { p.filename = strings.TrimSuffix(p.filename, ".whl") + ".WHL"; return p }), nil, 400, "Invalid file extension: Extension .WHL is invalid for filetype bdist_wheel. See https://www.python.org/dev/peps/pep-0527 for more information."},
		// Row 15.
		{"image content type", whl.mapContent(func(p part) part { p.ctype = "image/png"; return p }), nil, 400, "Invalid distribution file."},
		{"empty content type", whl.mapContent(func(p part) part { p.ctype = "-"; return p }), nil, 400, "Invalid distribution file."},
		{"absent content type reads as text/plain", whl.mapContent(func(p part) part { p.noCType = true; return p }), nil, 200, stored},
		// Row 17.
		{"sha256 mismatch", whl.set("sha256_digest", strings.Repeat("0", 64)), nil, 400, "The digest supplied does not match a digest calculated from the uploaded file."},
		{"uppercase digest matches", whl.set("sha256_digest", strings.ToUpper(sha256Hex(readFile(t, mv24)))), nil, 200, stored},
		{"md5 mismatch", whl.with(field("md5_digest", "d41d8cd98f00b204e9800998ecf8427e")), nil, 400, "The digest supplied does not match a digest calculated from the uploaded file."},
		{"md5 only, as hex", whl.without("sha256_digest").without("blake2_256_digest").with(field("md5_digest", md5Hex(readFile(t, mv24)))), nil, 200, stored},
		// Row 25.
		{"attestations with an API token", whl.with(field("attestations", "[]")), nil, 400, "Invalid attestations supplied during upload: Attestations are only supported when using Trusted Publishing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix, srv := newIndex(t)
			res := upload(t, srv, tt.form, tt.opts...)
			if res.status != tt.status {
				t.Fatalf("upload = %d %q, want %d", res.status, res.body, tt.status)
			}
			if tt.status != http.StatusOK {
				if got := res.message(t); got != tt.want {
					t.Errorf("message =\n  %q\nwant\n  %q", got, tt.want)
				}
				if n := len(ix.Files()); n != 0 {
					t.Errorf("Files() has %d files after a refused upload, want 0", n)
				}
			} else if n := len(ix.Files()); n != 1 {
				t.Errorf("Files() has %d files after a successful upload, want 1", n)
			}
		})
	}
}

// TestArchiveChecks runs rows 14 and 22–24 on the malformed corpus.
func TestArchiveChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file   string
		raw    []string // name, version, filetype, pyversion when pkg/dist cannot read the file
		status int
		want   string
		prefix bool // want is a prefix (pkg/dist adds detail after Warehouse's words)
	}{
		{file: "not_a_zip-1.0-py3-none-any.whl", raw: []string{"not-a-zip", "1.0", "bdist_wheel", "py3"}, status: 400, want: "Invalid distribution file. File is not a zipfile"},
		{file: "empty_file-1.0-py3-none-any.whl", raw: []string{"empty-file", "1.0", "bdist_wheel", "py3"}, status: 400, want: "Invalid distribution file. File is not a zipfile"},
		{file: "truncated_wheel-1.0-py3-none-any.whl", raw: []string{"truncated-wheel", "1.0", "bdist_wheel", "py3"}, status: 400, want: "Invalid distribution file. File is not a zipfile"},
		{file: "compression_bomb-1.0-py3-none-any.whl", raw: []string{"compression-bomb", "1.0", "bdist_wheel", "py3"}, status: 400, want: "Invalid distribution file. File exceeds compression ratio of 50"},
		{file: "bzip2_member-1.0-py3-none-any.whl", raw: []string{"bzip2-member", "1.0", "bdist_wheel", "py3"}, status: 400, want: "Invalid distribution file. File does not use a supported compression type"},
		// Warehouse refuses comments on members, not the archive's.
		{file: "zip_comment-1.0-py3-none-any.whl", raw: []string{"zip-comment", "1.0", "bdist_wheel", "py3"}, status: 400, want: "Invalid distribution file. ZIP archive not accepted: Comment in central directory. See https://docs.pypi.org/archives for more information"},
		{file: "data_descriptor-1.0-py3-none-any.whl", raw: []string{"data-descriptor", "1.0", "bdist_wheel", "py3"}, status: 400, want: "Invalid distribution file. ZIP archive not accepted: ZIP contains a data descriptor. See https://docs.pypi.org/archives for more information"},
		{file: "zip_trailing_data-1.0-py3-none-any.whl", raw: []string{"zip-trailing-data", "1.0", "bdist_wheel", "py3"}, status: 400, want: "Invalid distribution file. ZIP archive not accepted: Trailing data. See https://docs.pypi.org/archives for more information"},
		// The first copy's local sizes meet the central record of the last
		// copy, the one Python's dict of members keeps.
		{file: "duplicate_member-1.0-py3-none-any.whl", raw: []string{"duplicate-member", "1.0", "bdist_wheel", "py3"}, status: 400, want: "Invalid distribution file. ZIP archive not accepted: Mis-matched data size. See https://docs.pypi.org/archives for more information"},
		{file: "wrong_parts-1.0.whl", raw: []string{"wrong-parts", "1.0", "bdist_wheel", "py3"}, status: 400, want: "Invalid distribution file. Unable to parse name and version from wheel filename"},
		{file: "missing_wheel-1.0-py3-none-any.whl", raw: []string{"missing-wheel", "1.0", "bdist_wheel", "py3"}, status: 400, want: "Invalid distribution file. WHEEL not found at missing_wheel-1.0.dist-info/WHEEL"},
		{file: "dist_info_mismatch-1.0-py3-none-any.whl", raw: []string{"dist-info-mismatch", "1.0", "bdist_wheel", "py3"}, status: 400, want: "Invalid distribution file. WHEEL not found at dist_info_mismatch-1.0.dist-info/WHEEL"},
		{file: "missing_metadata-1.0-py3-none-any.whl", raw: []string{"missing-metadata", "1.0", "bdist_wheel", "py3"}, status: 400, want: "Wheel 'missing_metadata-1.0-py3-none-any.whl' does not contain the required METADATA file: missing_metadata-1.0.dist-info/METADATA"},
		{file: "missing_record-1.0-py3-none-any.whl", status: 400, want: "Wheel 'missing_record-1.0-py3-none-any.whl' does not contain the required RECORD file: missing_record-1.0.dist-info/RECORD"},
		{file: "bad_entry_points-1.0-py3-none-any.whl", status: 400, want: "Wheel 'bad_entry_points-1.0-py3-none-any.whl' has invalid entry points defined in the entry_points.txt file"},
		{file: "license_file_missing-1.0-py3-none-any.whl", status: 400, want: "License-File LICENSE does not exist in distribution file license_file_missing-1.0-py3-none-any.whl at license_file_missing-1.0.dist-info/licenses/LICENSE"},
		{file: "forbidden_platform-1.0-cp312-cp312-linux_x86_64.whl", status: 400, want: "Binary wheel 'forbidden_platform-1.0-cp312-cp312-linux_x86_64.whl' has an unsupported platform tag 'linux_x86_64'."},
		{file: "forbidden_macos-1.0-cp312-cp312-macosx_11_1_arm64.whl", status: 400, want: "Binary wheel 'forbidden_macos-1.0-cp312-cp312-macosx_11_1_arm64.whl' has an unsupported platform tag 'macosx_11_1_arm64'."},
		{file: "Bad_Name-1.0-py3-none-any.whl", status: 400, want: "Filename 'Bad_Name-1.0-py3-none-any.whl' should contain the normalized project name 'bad_name', not 'Bad_Name'."},
		{file: "name_mismatch-1.0-py3-none-any.whl", status: 400, want: "Start filename for 'some-other-name' with 'some_other_name'."},
		{file: "version_mismatch-1.0-py3-none-any.whl", status: 400, want: "Version in filename should be '2.0' not '1.0'."},
		{file: "record_mismatch-1.0-py3-none-any.whl", status: 200},
		{file: "two_dist_info-1.0-py3-none-any.whl", status: 200},
		{file: "bad-sdist-name-1.0.tar.gz", status: 400, want: "Filename 'bad-sdist-name-1.0.tar.gz' is invalid, should be 'bad_sdist_name-1.0.tar.gz'."},
		{file: "badver-1.0alpha1.tar.gz", status: 400, want: "Filename 'badver-1.0alpha1.tar.gz' is invalid, should be 'badver-1.0a1.tar.gz'."},
		{file: "badver_dash-1.0-alpha.tar.gz", raw: []string{"badver-dash", "1.0-alpha", "sdist", "source"}, status: 400, want: "Invalid source distribution filename: badver_dash-1.0-alpha.tar.gz"},
		{file: "sdist_version_mismatch-1.0.tar.gz", status: 400, want: "Filename 'sdist_version_mismatch-1.0.tar.gz' is invalid, should be 'sdist_version_mismatch-2.0.tar.gz'."},
		{file: "sdist_license_file_missing-1.0.tar.gz", status: 400, want: "License-File LICENSE does not exist in distribution file sdist_license_file_missing-1.0.tar.gz at sdist_license_file_missing-1.0/LICENSE"},
		{file: "pyupload-sample-setuptools-1.0.0.post1.tar.gz", status: 400, want: "Filename 'pyupload-sample-setuptools-1.0.0.post1.tar.gz' is invalid, should be 'pyupload_sample_setuptools-1.0.0.post1.tar.gz'."},
		{file: "two_top_dirs-1.0.tar.gz", raw: []string{"two-top-dirs", "1.0", "sdist", "source"}, status: 400, want: "Invalid distribution file. Incorrect number of top-level directories in sdist", prefix: true},
		{file: "missing_pkg_info-1.0.tar.gz", raw: []string{"missing-pkg-info", "1.0", "sdist", "source"}, status: 400, want: "Invalid distribution file. PKG-INFO not found at missing_pkg_info-1.0/PKG-INFO"},
		{file: "truncated_sdist-1.0.tar.gz", raw: []string{"truncated-sdist", "1.0", "sdist", "source"}, status: 400, want: "Invalid distribution file. None"},
		{file: "legacy_zip_sdist-1.0.zip", raw: []string{"legacy-zip-sdist", "1.0", "sdist", "source"}, status: 400, want: "Filename 'legacy_zip_sdist-1.0.zip' is invalid, should be 'legacy_zip_sdist-1.0.tar.gz'."},
		{file: "bz2_sdist-1.0.tar.bz2", raw: []string{"bz2-sdist", "1.0", "sdist", "source"}, status: 400, want: "Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more information"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			_, srv := newIndex(t)
			var f form
			if tt.raw != nil {
				f = rawForm(tt.raw[0], tt.raw[1], tt.file, tt.raw[2], tt.raw[3], readFile(t, filepath.Join(badDir, tt.file)))
			} else {
				f, _ = distForm(t, filepath.Join(badDir, tt.file))
			}
			res := upload(t, srv, f)
			if res.status != tt.status {
				t.Fatalf("upload = %d %q, want %d", res.status, res.body, tt.status)
			}
			if tt.status == http.StatusOK {
				return
			}
			got := res.message(t)
			if tt.prefix && !strings.HasPrefix(got, tt.want) || !tt.prefix && got != tt.want {
				t.Errorf("message =\n  %q\nwant\n  %q (prefix: %v)", got, tt.want, tt.prefix)
			}
		})
	}
}

// TestWithoutArchiveChecks accepts bytes that are no archive at all.
func TestWithoutArchiveChecks(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t, fakeindex.WithoutArchiveChecks())
	content := []byte("not a zip at all")
	res := upload(t, srv, rawForm("synthetic", "1.0", "synthetic-1.0-py3-none-any.whl", "bdist_wheel", "py3", content))
	if res.status != http.StatusOK {
		t.Fatalf("upload = %d %q, want 200", res.status, res.body)
	}
	if got, err := ix.Content("synthetic-1.0-py3-none-any.whl"); err != nil || string(got) != string(content) {
		t.Errorf("Content() = %q, %v; want %q", got, err, content)
	}
}

// TestSanitizeStoresEscapedNUL checks that a NUL reaches the release
// metadata as the text \x00, and that the raw field is recorded as sent.
func TestSanitizeStoresEscapedNUL(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	f, _ := distForm(t, mv24)
	if res := upload(t, srv, f.set("summary", "a\x00b")); res.status != http.StatusOK {
		t.Fatalf("upload = %d %q, want 200", res.status, res.body)
	}
	doc := decodeJSON(t, get(t, srv, "/pypi/pyupload-mv24/json").body)
	if got := doc["info"].(map[string]any)["summary"]; got != `a\x00b` {
		t.Errorf("info.summary = %q, want %q", got, `a\x00b`)
	}
	if got := ix.Files()[0].Fields.Get("summary"); got != "a\x00b" {
		t.Errorf("Fields[summary] = %q, want the raw value", got)
	}
}

// TestSizeLimit refuses a file over the limit once its body has arrived,
// before any archive check, naming the limit in MiB.
func TestSizeLimit(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t, fakeindex.WithMaxFileSize(1<<20))
	content := make([]byte, 3<<20)
	f := rawForm("big-project", "1.0", "big_project-1.0-py3-none-any.whl", "bdist_wheel", "py3", content)
	res := upload(t, srv, f)
	want := "File too large. Limit for project 'big-project' is 1 MB. See https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase for more information."
	if res.status != http.StatusBadRequest || res.message(t) != want {
		t.Fatalf("upload = %d %q, want 400 %q", res.status, res.body, want)
	}
	if n := len(ix.Files()); n != 0 {
		t.Errorf("Files() has %d files, want 0", n)
	}

	// The project limit counts what the project already holds; the
	// message gives it in whole GiB, rounded down as Warehouse does.
	ix2, srv2 := newIndex(t, fakeindex.WithMaxProjectSize(100))
	if err := ix2.Preload("big-project", "0.9", "big_project-0.9-py3-none-any.whl", make([]byte, 90)); err != nil {
		t.Fatal(err)
	}
	res = upload(t, srv2, rawForm("big-project", "1.0", "big_project-1.0-py3-none-any.whl", "bdist_wheel", "py3", []byte("0123456789abcdef")))
	want = "Project size too large. Limit for project 'big-project' total size is 0 GB. See https://docs.pypi.org/project-management/storage-limits#requesting-a-project-size-limit-increase"
	if res.status != http.StatusBadRequest || res.message(t) != want {
		t.Fatalf("upload = %d %q, want 400 %q", res.status, res.body, want)
	}
}

// TestDuplicates covers row 18 and docs/index-server.md §3.
func TestDuplicates(t *testing.T) {
	t.Parallel()
	t.Run("identical re-upload is 200 and stores one copy", func(t *testing.T) {
		t.Parallel()
		ix, srv := newIndex(t)
		f, _ := distForm(t, mv24)
		for i := range 2 {
			if res := upload(t, srv, f); res.status != http.StatusOK {
				t.Fatalf("upload #%d = %d %q, want 200", i+1, res.status, res.body)
			}
		}
		if files := ix.Files(); len(files) != 1 {
			t.Errorf("Files() has %d files, want 1", len(files))
		}
		if got := ix.UploadAttempts(); got != 2 {
			t.Errorf("UploadAttempts() = %d, want 2", got)
		}
	})
	t.Run("same name other bytes", func(t *testing.T) {
		t.Parallel()
		ix, srv := newIndex(t)
		name := filepath.Base(mv24)
		if err := ix.Preload("pyupload-mv24", "2.4", name, []byte("earlier bytes")); err != nil {
			t.Fatal(err)
		}
		f, content := distForm(t, mv24)
		res := upload(t, srv, f)
		want := "File already exists ('" + name + "', with blake2_256 hash '" + blake2Hex(content) + "'). See https://pypi.org/help/#file-name-reuse for more information."
		if res.status != http.StatusBadRequest || res.message(t) != want {
			t.Fatalf("upload = %d %q, want 400 %q", res.status, res.body, want)
		}
		if got, _ := ix.Content(name); string(got) != "earlier bytes" {
			t.Errorf("Content() = %q, want the preloaded bytes kept", got)
		}
	})
	t.Run("same bytes other name", func(t *testing.T) {
		t.Parallel()
		ix, srv := newIndex(t)
		f, content := distForm(t, mv24)
		if res := upload(t, srv, f); res.status != http.StatusOK {
			t.Fatalf("upload = %d %q, want 200", res.status, res.body)
		}
		other := "pyupload_mv24-2.4-py2-none-any.whl"
		res := upload(t, srv, f.mapContent(func(p part) part { p.filename = other; return p }))
		want := "File already exists ('" + other + "', with blake2_256 hash '" + blake2Hex(content) + "'). See https://pypi.org/help/#file-name-reuse for more information."
		if res.status != http.StatusBadRequest || res.message(t) != want {
			t.Fatalf("upload = %d %q, want 400 %q", res.status, res.body, want)
		}
		if n := len(ix.Files()); n != 1 {
			t.Errorf("Files() has %d files, want 1", n)
		}
	})
	t.Run("one sdist per release", func(t *testing.T) {
		t.Parallel()
		ix, srv := newIndex(t)
		if err := ix.Preload("pyupload-mv24", "2.4.0", "pyupload_mv24-2.4.zip", []byte("an older zip sdist")); err != nil {
			t.Fatal(err)
		}
		f, _ := distForm(t, mv24Sdst)
		res := upload(t, srv, f)
		if res.status != http.StatusBadRequest || res.message(t) != "Only one sdist may be uploaded per release." {
			t.Fatalf("upload = %d %q, want 400 Only one sdist may be uploaded per release.", res.status, res.body)
		}
		// A wheel for the same release is fine.
		f, _ = distForm(t, mv24)
		if res := upload(t, srv, f); res.status != http.StatusOK {
			t.Fatalf("wheel upload = %d %q, want 200", res.status, res.body)
		}
	})
	t.Run("preload conflicts", func(t *testing.T) {
		t.Parallel()
		ix, _ := newIndex(t)
		if err := ix.Preload("p", "1.0", "p-1.0.tar.gz", []byte("x")); err != nil {
			t.Fatal(err)
		}
		if err := ix.Preload("p", "1.0", "p-1.0.tar.gz", []byte("y")); err == nil {
			t.Error("Preload of an existing filename = nil, want an error")
		}
		if err := ix.Preload("p", "1.1", "p-1.1.tar.gz", []byte("x")); err == nil {
			t.Error("Preload of existing bytes = nil, want an error")
		}
	})
}

// TestReleaseRules checks that the first file sets the release metadata,
// that versions match by PEP 440 equality, that the display name follows
// the last name sent, and the 14-day window (row 20).
func TestReleaseRules(t *testing.T) {
	t.Parallel()
	clock := fakeindex.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	ix, srv := newIndex(t, fakeindex.WithClock(clock.Now))
	sd, _ := distForm(t, mv24Sdst)
	if res := upload(t, srv, sd.set("summary", "first")); res.status != http.StatusOK {
		t.Fatalf("sdist upload = %d %q", res.status, res.body)
	}
	// The wheel says 2.4.0: the same release. Its summary is ignored, and
	// its spelling of the name becomes the display name.
	whl, _ := distForm(t, mv24)
	if res := upload(t, srv, whl.set("name", "PyUpload_MV24").set("version", "2.4.0").set("summary", "second")); res.status != http.StatusOK {
		t.Fatalf("wheel upload = %d %q", res.status, res.body)
	}
	doc := decodeJSON(t, get(t, srv, "/pypi/pyupload-mv24/2.4.0/json").body)
	info := doc["info"].(map[string]any)
	if info["name"] != "PyUpload_MV24" || info["version"] != "2.4" || info["summary"] != "first" {
		t.Errorf("info = name %v, version %v, summary %v; want PyUpload_MV24, 2.4, first", info["name"], info["version"], info["summary"])
	}
	if urls := doc["urls"].([]any); len(urls) != 2 {
		t.Errorf("urls has %d files, want 2", len(urls))
	}
	files := ix.Files()
	if files[0].Project != "PyUpload_MV24" || files[1].Project != "pyupload-mv24" {
		t.Errorf("Files() projects = %q, %q; want the name sent with each", files[0].Project, files[1].Project)
	}
	if want := clock.Now().UTC(); !files[0].UploadTime.Equal(want) {
		t.Errorf("UploadTime = %v, want %v from the clock", files[0].UploadTime, want)
	}

	clock.Advance(15 * 24 * time.Hour)
	// Identical re-uploads still succeed after 14 days
	// (docs/index-server.md §3)...
	if res := upload(t, srv, whl); res.status != http.StatusOK {
		t.Errorf("identical re-upload after 15 days = %d %q, want 200", res.status, res.body)
	}
	// ...but new files are refused.
	other := append(readFile(t, mv24), 0)
	py2 := whl.mapContent(func(p part) part {
		p.filename, p.value = "pyupload_mv24-2.4-py2-none-any.whl", string(other)
		return p
	}).set("sha256_digest", sha256Hex(other)).set("blake2_256_digest", blake2Hex(other))
	res := upload(t, srv, py2)
	if want := "Uploading new files to releases older than 14 days is not allowed."; res.status != http.StatusBadRequest || res.message(t) != want {
		t.Errorf("new file after 15 days = %d %q, want 400 %q", res.status, res.body, want)
	}
}

func TestStorageRemovedOnClose(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "created", "on", "demand")
	ix := fakeindex.New(fakeindex.WithStorageDir(dir))
	if err := ix.Preload("p", "1.0", "p-1.0.tar.gz", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("storage dir has %d entries, want the index's spool directory", len(entries))
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("storage dir has %d entries after Close, want 0", len(entries))
	}
	if err := ix.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}
}
