package transport

import "testing"

// TestRedact: no credential a URL may carry survives: userinfo, query
// values, and a fragment pasted by mistake.
func TestRedact(t *testing.T) {
	tests := map[string]string{
		"https://__token__:pypi-secret@upload.pypi.org/legacy/": "https://redacted@upload.pypi.org/legacy/",
		"https://ci.example/token?audience=pypi&sig=abc":        "https://ci.example/token?audience=redacted&sig=redacted",
		"https://upload.pypi.org/legacy/#pypi-secret":           "https://upload.pypi.org/legacy/",
		"user:SEKRIT@nexus.example/repository/pypi/":            "redacted@nexus.example/repository/pypi/",
		"::not a url": "<unparsable URL>",
	}
	for raw, want := range tests {
		if got := Redact(raw); got != want {
			t.Errorf("Redact(%q) = %q, want %q", raw, got, want)
		}
	}
}
