package main

import (
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/ui"
)

// TestE2EMetadataRuleLastFileSendsNothing: for each rule family checked
// against PyPI's reference lists and Warehouse's field rules, a release
// whose last file breaks the rule is refused before the first byte, with
// the file named and PyPI's text.
func TestE2EMetadataRuleLastFileSendsNothing(t *testing.T) {
	t.Parallel()
	tests := []struct{ file, want string }{
		{"unknown_license_id-1.0-py3-none-any.whl", "'Apache-2' is invalid for 'license-expression'"},
		{"documentref_license-1.0-py3-none-any.whl", "'DocumentRef-x:LicenseRef-y' is invalid for 'license-expression'"},
		{"unknown_classifier-1.0-py3-none-any.whl", "'Programming Language :: Python :: 2.8' is not a valid classifier."},
		{"deprecated_classifier-1.0-py3-none-any.whl", "has been deprecated, use one of ['Natural Language :: Ukrainian'] instead."},
		{"dynamic_dynamic-1.0-py3-none-any.whl", "Dynamic field 'dynamic' is not a valid dynamic field."},
		{"import_name_keyword-1.0-py3-none-any.whl", "'class' is a keyword"},
		{"project_url_scheme-1.0-py3-none-any.whl", "'irc://irc.example.org/x' is not a valid url"},
		{"bad_entry_points-1.0-py3-none-any.whl", "has invalid entry points defined in the entry_points.txt file"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			ix, u := startIndex(t)
			r := runBinary(t, tokenEnv, uploadArgs(u, good+"pyupload_mv22-2.2-py3-none-any.whl", bad+tt.file)...)
			if r.code != ui.ExitFailure || !strings.Contains(r.stderr, tt.file+": ") || !strings.Contains(r.stderr, tt.want) || !strings.Contains(r.stderr, "nothing was uploaded") {
				t.Errorf("exit %d\nstderr:\n%s\nwant exit 1, the file, %q and 'nothing was uploaded'", r.code, r.stderr, tt.want)
			}
			if n := ix.UploadAttempts(); n != 0 {
				t.Errorf("index saw %d upload POSTs, want 0", n)
			}
		})
	}
}
