package dist

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMetadata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want *Metadata
	}{
		{
			name: "2.1 with body and multi-valued fields",
			in: "Metadata-Version: 2.1\nName: Sample\nVersion: 1.0\nSummary: A sample\n" +
				"Classifier: A :: B\nClassifier: C :: D\nProject-URL: Home, https://example.org\n" +
				"Requires-Dist: foo>=1; extra == \"x\"\nProvides-Extra: x\nKeywords: a,b c\n" +
				"X-Custom: kept\nDescription-Content-Type: text/markdown\n\n# Title\n\nbody text\n",
			want: &Metadata{
				MetadataVersion: "2.1", Name: "Sample", Version: "1.0", Summary: "A sample",
				Classifiers: []string{"A :: B", "C :: D"}, ProjectURLs: []string{"Home, https://example.org"},
				RequiresDist: []string{"foo>=1; extra == \"x\""}, ProvidesExtra: []string{"x"}, Keywords: "a,b c",
				DescriptionContentType: "text/markdown", Description: "# Title\n\nbody text\n",
				Unknown: []string{"X-Custom: kept"},
			},
		},
		{
			name: "header names are case-insensitive",
			in:   "metadata-version: 1.0\nNAME: x\nversion: 1\nhome-PAGE: https://h\n",
			want: &Metadata{MetadataVersion: "1.0", Name: "x", Version: "1", HomePage: "https://h"},
		},
		{
			name: "old-style Description header with setuptools continuation",
			in:   "Metadata-Version: 1.1\nName: x\nVersion: 1\nDescription: line one\n        line two\n        \n        line four\nPlatform: UNKNOWN\n",
			want: &Metadata{MetadataVersion: "1.1", Name: "x", Version: "1", Description: "line one\nline two\n\nline four", Platforms: []string{"UNKNOWN"}},
		},
		{
			name: "spec-style Description continuation with pipe",
			in:   "Metadata-Version: 1.2\nName: x\nVersion: 1\nDescription: one\n       |two\n       |\n",
			want: &Metadata{MetadataVersion: "1.2", Name: "x", Version: "1", Description: "one\ntwo\n"},
		},
		{
			name: "folded License keeps the fold like the email parser",
			in:   "Metadata-Version: 2.1\nName: x\nVersion: 1\nLicense: MIT\n        more\n",
			want: &Metadata{MetadataVersion: "2.1", Name: "x", Version: "1", License: "MIT\n        more"},
		},
		{
			name: "CRLF line endings",
			in:   "Metadata-Version: 2.1\r\nName: x\r\nVersion: 1\r\n\r\nbody\r\n",
			want: &Metadata{MetadataVersion: "2.1", Name: "x", Version: "1", Description: "body\r\n"},
		},
		{
			name: "empty values and trailing whitespace",
			in:   "Metadata-Version: 2.1\nName: x\nVersion: 1\nSummary:\nAuthor: Ann  \n",
			want: &Metadata{MetadataVersion: "2.1", Name: "x", Version: "1", Author: "Ann  "},
		},
		{
			name: "non-ASCII UTF-8 body",
			in:   "Metadata-Version: 2.1\nName: x\nVersion: 1\n\nnaïve — ☃\n",
			want: &Metadata{MetadataVersion: "2.1", Name: "x", Version: "1", Description: "naïve — ☃\n"},
		},
		{
			name: "2.5 import names",
			in:   "Metadata-Version: 2.5\nName: x\nVersion: 1\nImport-Name: x\nImport-Name: x._impl; private\nImport-Namespace: ns\n",
			want: &Metadata{MetadataVersion: "2.5", Name: "x", Version: "1", ImportNames: []string{"x", "x._impl; private"}, ImportNamespaces: []string{"ns"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseMetadata([]byte(tt.in))
			if err != nil {
				t.Fatalf("ParseMetadata() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseMetadata() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseMetadataErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		line     int
	}{
		{"invalid UTF-8", "Metadata-Version: 2.1\nName: \xff\n", 2},
		{"not a header", "Metadata-Version: 2.1\nthis is not a header\n", 2},
		{"continuation first", " Name: x\n", 1},
		{"single field twice", "Metadata-Version: 2.1\nSummary: a\nSummary: b\n", 3},
		{"space in header name", "Metadata-Version: 2.1\nBad Name: x\n", 2},
		{"description header and body", "Metadata-Version: 2.1\nDescription: a\n\nbody\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseMetadata([]byte(tt.in))
			me, ok := errors.AsType[*MetadataError](err)
			if !ok {
				t.Fatalf("ParseMetadata() error = %v, want *MetadataError", err)
			}
			if me.Line != tt.line {
				t.Errorf("ParseMetadata() error line = %d, want %d (%v)", me.Line, tt.line, me)
			}
		})
	}
}

func TestFormFields(t *testing.T) {
	t.Parallel()
	m := &Metadata{
		MetadataVersion: "2.1", Name: "x", Version: "1.0", Summary: "UNKNOWN",
		LicenseFiles: []string{"LICENSE"}, Classifiers: []string{"A", "B"}, Keywords: "a,b",
		ProjectURLs: []string{"Home, https://h"}, Description: "body",
	}
	want := []FormValue{
		{"metadata_version", "2.1"}, {"name", "x"}, {"version", "1.0"}, {"description", "body"},
		{"keywords", "a,b"}, {"classifiers", "A"}, {"classifiers", "B"}, {"project_urls", "Home, https://h"},
	}
	if diff := cmp.Diff(want, m.FormFields()); diff != "" {
		t.Errorf("FormFields() mismatch (-want +got):\n%s", diff)
	}
	m.MetadataVersion = "2.4"
	got := m.FormFields()
	found := false
	for _, f := range got {
		found = found || f == FormValue{"license_file", "LICENSE"}
	}
	if !found {
		t.Errorf("FormFields() under 2.4 = %v, want license_file LICENSE", got)
	}
}
