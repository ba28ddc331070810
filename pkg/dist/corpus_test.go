package dist

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	goodDir = "../../testdata/dists/good"
	badDir  = "../../testdata/dists/bad"
)

// distFiles lists the distributions in dir, without its README.
func distFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.Name() != "README.md" {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	if len(out) == 0 {
		t.Fatalf("no distributions in %s", dir)
	}
	return out
}

// TestGoodDists reads every committed good distribution: each must parse
// and have no error-level problem.
func TestGoodDists(t *testing.T) {
	t.Parallel()
	for _, p := range distFiles(t, goodDir) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			t.Parallel()
			d, err := Open(p)
			if err != nil {
				t.Fatalf("Open(%q) error = %v", p, err)
			}
			for _, prob := range Check(d) {
				if prob.Severity == Error {
					t.Errorf("Check(%q) error: %s", p, prob.Message)
				}
			}
			if d.Size <= 0 || len(d.SHA256) != 64 || len(d.Blake2b256) != 64 {
				t.Errorf("Open(%q) digests = %+v, want size and two 64-hex digests", p, d.Digests)
			}
		})
	}
}

// badExpect maps each malformed file to the text its first error must
// contain. Every file in testdata/dists/bad must be listed, so a new case
// cannot go unasserted.
var badExpect = map[string]string{
	"Bad_Name-1.0-py3-none-any.whl":                         "should contain the normalized project name 'bad_name', not 'Bad_Name'",
	"_bad_-1.0-py3-none-any.whl":                            "'-bad-' is an invalid value for Name",
	"bad-sdist-name-1.0.tar.gz":                             "Filename 'bad-sdist-name-1.0.tar.gz' is invalid, should be 'bad_sdist_name-1.0.tar.gz'.",
	"bad_author_email-1.0-py3-none-any.whl":                 "'not-an-email' is not a valid email address",
	"bad_entry_points-1.0-py3-none-any.whl":                 "has invalid entry points defined in the entry_points.txt file",
	"bad_license_expression-1.0-py3-none-any.whl":           "'MIT OR' is invalid for 'license-expression'",
	"badver-1.0alpha1.tar.gz":                               "should be 'badver-1.0a1.tar.gz'",
	"badver_dash-1.0-alpha.tar.gz":                          "invalid version 'alpha'",
	"bz2_sdist-1.0.tar.bz2":                                 "unknown distribution format",
	"bzip2_member-1.0-py3-none-any.whl":                     "File does not use a supported compression type",
	"compression_bomb-1.0-py3-none-any.whl":                 "File exceeds compression ratio of 50",
	"direct_url_dependency-1.0-py3-none-any.whl":            "Can't have direct dependency: foo @ https://example.com/foo-1.0.tar.gz",
	"dist_info_mismatch-1.0-py3-none-any.whl":               "Invalid distribution file. WHEEL not found at dist_info_mismatch-1.0.dist-info/WHEEL",
	"dotdot_member-1.0.tar.gz":                              "Incorrect number of top-level directories in sdist",
	"duplicate_member-1.0-py3-none-any.whl":                 "Invalid distribution file. ZIP archive not accepted: Mis-matched data size. See https://docs.pypi.org/archives for more information (member 'duplicate_member/__init__.py')",
	"duplicate_summary-1.0-py3-none-any.whl":                "METADATA line 5: field Summary is given more than once",
	"duplicate_url_label-1.0-py3-none-any.whl":              "'project_urls' has invalid data. (the label 'Source' is given twice)",
	"dynamic_in_2_1-1.0-py3-none-any.whl":                   "dynamic introduced in metadata version 2.2, not 2.1.",
	"dynamic_name-1.0-py3-none-any.whl":                     "'name' is not allowed as a dynamic field",
	"empty_file-1.0-py3-none-any.whl":                       "File is not a zipfile",
	"forbidden_macos-1.0-cp312-cp312-macosx_11_1_arm64.whl": "has an unsupported platform tag 'macosx_11_1_arm64'.",
	"forbidden_platform-1.0-cp312-cp312-linux_x86_64.whl":   "has an unsupported platform tag 'linux_x86_64'.",
	"html_description-1.0-py3-none-any.whl":                 "'text/html' is invalid for 'description-content-type'",
	"import_name_in_2_4-1.0-py3-none-any.whl":               "import-name introduced in metadata version 2.5, not 2.4.",
	"invalid_utf8-1.0-py3-none-any.whl":                     "invalid_utf8-1.0.dist-info/METADATA line 4: not valid UTF-8",
	"legacy_zip_sdist-1.0.zip":                              "legacy .zip sdists are rejected",
	"license_and_expression-1.0-py3-none-any.whl":           "License is deprecated when License-Expression is present.",
	"license_expression_in_2_1-1.0-py3-none-any.whl":        "license-expression introduced in metadata version 2.4, not 2.1.",
	"license_file_missing-1.0-py3-none-any.whl":             "License-File LICENSE does not exist in distribution file license_file_missing-1.0-py3-none-any.whl at license_file_missing-1.0.dist-info/licenses/LICENSE",
	"local_version-1.0+local-py3-none-any.whl":              "The use of local versions in '1.0+local' is not allowed.",
	"long_summary-1.0-py3-none-any.whl":                     "'summary' field must be 512 characters or less",
	"long_url_label-1.0-py3-none-any.whl":                   "must be 32 characters or less.",
	"metadata_version_2_0-1.0-py3-none-any.whl":             "'2.0' is not a valid metadata version",
	"metadata_version_3_0-1.0-py3-none-any.whl":             "'3.0' is not a valid metadata version",
	"missing_metadata-1.0-py3-none-any.whl":                 "does not contain the required METADATA file: missing_metadata-1.0.dist-info/METADATA",
	"missing_metadata_version-1.0-py3-none-any.whl":         "None is not a valid metadata version",
	"missing_name-1.0-py3-none-any.whl":                     "'name' is a required field",
	"missing_pkg_info-1.0.tar.gz":                           "PKG-INFO not found at missing_pkg_info-1.0/PKG-INFO",
	"missing_record-1.0-py3-none-any.whl":                   "does not contain the required RECORD file: missing_record-1.0.dist-info/RECORD",
	"missing_wheel-1.0-py3-none-any.whl":                    "WHEEL not found at missing_wheel-1.0.dist-info/WHEEL",
	"multiline_summary-1.0-py3-none-any.whl":                "'summary' must be a single line",
	"name_mismatch-1.0-py3-none-any.whl":                    "Start filename for 'some-other-name' with 'some_other_name'.",
	"not_a_zip-1.0-py3-none-any.whl":                        "File is not a zipfile",
	"private_classifier-1.0-py3-none-any.whl":               "'Private :: Do Not Upload' is not a valid classifier.",
	"unknown_license_id-1.0-py3-none-any.whl":               "'Apache-2' is invalid for 'license-expression' (Unknown license: 'apache-2'; did you mean 'Apache-2.0'",
	"documentref_license-1.0-py3-none-any.whl":              "'DocumentRef-x:LicenseRef-y' is invalid for 'license-expression' (Unknown license: 'documentref-x:licenseref-y'",
	"unknown_classifier-1.0-py3-none-any.whl":               "'Programming Language :: Python :: 2.8' is not a valid classifier. (classifiers of trove-classifiers",
	"deprecated_classifier-1.0-py3-none-any.whl":            "The classifier 'Natural Language :: Ukranian' has been deprecated, use one of ['Natural Language :: Ukrainian'] instead.",
	"dynamic_dynamic-1.0-py3-none-any.whl":                  "Dynamic field 'dynamic' is not a valid dynamic field.",
	"import_name_keyword-1.0-py3-none-any.whl":              "'pkg.class' is invalid for 'import-name'; 'class' is a keyword",
	"project_url_scheme-1.0-py3-none-any.whl":               "'irc://irc.example.org/x' is not a valid url",
	"pyupload-sample-pdm-0.5.0.tar.gz":                      "should be 'pyupload_sample_pdm-0.5.0.tar.gz'.",
	"pyupload-sample-setuptools-1.0.0.post1.tar.gz":         "should be 'pyupload_sample_setuptools-1.0.0.post1.tar.gz'.",
	"rst_render_failure-1.0-py3-none-any.whl":               `line 4: Error: Unknown directive type "this-directive-does-not-exist".`,
	"sdist_license_file_missing-1.0.tar.gz":                 "License-File LICENSE does not exist in distribution file sdist_license_file_missing-1.0.tar.gz at sdist_license_file_missing-1.0/LICENSE",
	"sdist_version_mismatch-1.0.tar.gz":                     "should be 'sdist_version_mismatch-2.0.tar.gz'.",
	"truncated_sdist-1.0.tar.gz":                            "unexpected EOF",
	"truncated_wheel-1.0-py3-none-any.whl":                  "File is not a zipfile",
	"two_top_dirs-1.0.tar.gz":                               "Incorrect number of top-level directories in sdist",
	"version_dog-1.0-py3-none-any.whl":                      "'dog' is invalid for 'version'",
	"version_mismatch-1.0-py3-none-any.whl":                 "Version in filename should be '2.0' not '1.0'.",
	"wrong_parts-1.0.whl":                                   "wrong number of parts",
	"zip_comment-1.0-py3-none-any.whl":                      "Invalid distribution file. ZIP archive not accepted: Comment in central directory. See https://docs.pypi.org/archives for more information (member 'zip_comment/__init__.py')",
	"data_descriptor-1.0-py3-none-any.whl":                  "Invalid distribution file. ZIP archive not accepted: ZIP contains a data descriptor. See https://docs.pypi.org/archives for more information (member 'data_descriptor/__init__.py')",
	"zip_trailing_data-1.0-py3-none-any.whl":                "Invalid distribution file. ZIP archive not accepted: Trailing data. See https://docs.pypi.org/archives for more information",
}

// badAccepted are corpus files the index accepts; they must pass with a
// note or a warning that contains the given text.
var badAccepted = map[string]string{
	"record_mismatch-1.0-py3-none-any.whl": "record_mismatch/gone.py is listed in RECORD but not in the archive",
	"sdist_symlink-1.0.tar.gz":             "member 'sdist_symlink-1.0/passwd' is a link to '/etc/passwd'",
	"dotdot_nested-1.0.tar.gz":             "member path 'dotdot_nested-1.0/../../evil' leaves the extraction directory",
	"two_dist_info-1.0-py3-none-any.whl":   "has more than one .dist-info directory: other_project-1.0.dist-info, two_dist_info-1.0.dist-info (PyPI takes it, but pip refuses to install it)",
}

func TestBadDists(t *testing.T) {
	t.Parallel()
	files := distFiles(t, badDir)
	if len(files) < 25 {
		t.Errorf("malformed corpus has %d files, want at least 25", len(files))
	}
	for _, p := range files {
		base := filepath.Base(p)
		t.Run(base, func(t *testing.T) {
			t.Parallel()
			want, isBad := badExpect[base]
			note, accepted := badAccepted[base]
			if !isBad && !accepted {
				t.Fatalf("%s has no expectation in badExpect", base)
			}
			d, err := Open(p)
			if err != nil {
				if !isOwnError(err) {
					t.Errorf("Open(%q) error = %v (%T), want one of package dist's errors", p, err, errors.Unwrap(err))
				}
				if !strings.Contains(err.Error(), base) {
					t.Errorf("Open(%q) error = %q, want it to name the file", p, err)
				}
				if !strings.Contains(err.Error(), want) || accepted {
					t.Errorf("Open(%q) error = %q, want it to contain %q", p, err, want)
				}
				return
			}
			var first, notes string
			for _, prob := range Check(d) {
				if prob.Severity == Error && first == "" {
					first = prob.Message
				}
				if prob.Severity == Note || prob.Severity == Warning {
					notes += prob.Message + "\n"
				}
			}
			if accepted {
				if first != "" || !strings.Contains(notes, note) {
					t.Errorf("Check(%q): error %q, notes %q; want no error and a note containing %q", p, first, notes, note)
				}
				return
			}
			if !strings.Contains(first, want) {
				t.Errorf("Check(%q) first error = %q, want it to contain %q", p, first, want)
			}
		})
	}
}

// TestCommittedZipsHaveNoDataDescriptor audits every committed wheel and
// zip under testdata/: no local header may set the data-descriptor flag
// (bit 3), which PyPI refuses, except in the one file that shows it.
func TestCommittedZipsHaveNoDataDescriptor(t *testing.T) {
	t.Parallel()
	const shows = "data_descriptor-1.0-py3-none-any.whl"
	err := filepath.WalkDir("../../testdata", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".whl") && !strings.HasSuffix(p, ".zip") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i := 0; ; i++ {
			j := bytes.Index(b[i:], []byte("PK\x03\x04"))
			if j < 0 || i+j+8 > len(b) {
				break
			}
			i += j
			if flags := binary.LittleEndian.Uint16(b[i+6:]); flags&0x08 != 0 && filepath.Base(p) != shows {
				t.Errorf("%s: local header at %d sets the data-descriptor flag", p, i)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
