package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestDocsLinks: every relative link in README.md, CONTRIBUTING.md and
// docs/*.md names a file that exists and, with a #anchor into a Markdown
// file, a heading of that file, as GitHub renders them.
func TestDocsLinks(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files := append([]string{filepath.Join(root, "README.md"), filepath.Join(root, "CONTRIBUTING.md")}, docs...)
	if len(docs) < 10 {
		t.Fatalf("found %d pages in docs/; is the test run from cmd/pyupload?", len(docs))
	}
	links := 0
	for _, f := range files {
		problems, n := checkLinks(f)
		links += n
		for _, p := range problems {
			t.Error(p)
		}
	}
	if links < 50 {
		t.Errorf("found only %d relative links: is the link pattern broken?", links)
	}
}

// TestDocsLinksCatchBroken: the check reports a missing file, a missing
// anchor in another file and in the same file, and accepts good ones,
// including links inside code, which are not links.
func TestDocsLinksCatchBroken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("other.md", "# Other\n\n## `pyupload check`\n\n## Notes\n\n## Notes\n\n```yaml\n# not a heading\n```\n")
	write("page.md", strings.Join([]string{
		"# Page",
		"",
		"## Here (and there)",
		"",
		"Good: [a](other.md), [b](other.md#pyupload-check), [c](other.md#notes-1), [d](#here-and-there), [e](https://example.com/x.md#y), [f](other.md#Notes).",
		"Not links: `[g](missing.md)` and",
		"",
		"```sh",
		"echo [h](missing.md)",
		"```",
		"",
		"Bad: [i](missing.md), [j](other.md#no-such-heading), [k](#nowhere), [l](other.md#not-a-heading), [m](other.md#notes-2).",
		"",
	}, "\n"))
	problems, n := checkLinks(filepath.Join(dir, "page.md"))
	if n != 10 {
		t.Errorf("counted %d relative links, want 10", n)
	}
	want := []string{"missing.md", "other.md#no-such-heading", "#nowhere", "other.md#not-a-heading", "other.md#notes-2", "other.md#Notes"}
	if len(problems) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(problems), len(want), strings.Join(problems, "\n"))
	}
	for _, w := range want {
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, "("+w+")") }) {
			t.Errorf("no problem reported for (%s):\n%s", w, strings.Join(problems, "\n"))
		}
	}
}

// TestAnchor pins GitHub's heading anchors: lower case, punctuation other
// than '-' and '_' removed (backticks included), each space a '-', and
// repeated headings numbered.
func TestAnchor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ heading, want string }{
		{"Quick start", "quick-start"},
		{"`pyupload upload` (or just `pyupload DIST...`)", "pyupload-upload-or-just-pyupload-dist"},
		{"`.pypirc`", "pypirc"},
		{"Provenance (PEP 740 attestations)", "provenance-pep-740-attestations"},
		{"Wheels (`pipx`, `uvx`, `pip`)", "wheels-pipx-uvx-pip"},
		{"C7. Hints and exit codes are decided in one place", "c7-hints-and-exit-codes-are-decided-in-one-place"},
		{"Without the action: a plain `run:` step", "without-the-action-a-plain-run-step"},
		{"snake_case and dash-case", "snake_case-and-dash-case"},
		{"From gh-action-pypi-publish", "from-gh-action-pypi-publish"},
		{"Two  spaces", "two--spaces"},
		{"Über Straße", "über-straße"},
		{"[A link](x.md) here", "a-link-here"},
		{"Trailing hashes ##", "trailing-hashes"},
	} {
		if got := anchor(tc.heading); got != tc.want {
			t.Errorf("anchor(%q) = %q, want %q", tc.heading, got, tc.want)
		}
	}
	got := anchors("# Notes\n\n## Notes\n\n### notes\n\n```\n# Notes\n```\n\n    # indented four: code\n   # Indented three\n#NoSpace\n")
	want := []string{"notes", "notes-1", "notes-2", "indented-three"}
	if !slices.Equal(got, want) {
		t.Errorf("anchors = %q, want %q", got, want)
	}
}

// linkRE matches an inline Markdown link or image, [text](target "title").
var linkRE = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)

// checkLinks returns a problem per broken relative link of the Markdown
// file, and the number of relative links it has.
func checkLinks(file string) (problems []string, n int) {
	b, err := os.ReadFile(file)
	if err != nil {
		return []string{err.Error()}, 0
	}
	for i, line := range proseLines(string(b)) {
		for _, m := range linkRE.FindAllStringSubmatch(withoutCode(line), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") || strings.HasPrefix(target, "//") {
				continue
			}
			n++
			at := fmt.Sprintf("%s:%d: (%s)", file, i+1, target)
			path, frag, _ := strings.Cut(target, "#")
			dest := file
			if path != "" {
				dest = filepath.Join(filepath.Dir(file), filepath.FromSlash(path))
				if _, err := os.Stat(dest); err != nil {
					problems = append(problems, at+": no such file")
					continue
				}
			}
			if frag == "" || !strings.HasSuffix(dest, ".md") {
				continue
			}
			text, err := os.ReadFile(dest)
			if err != nil {
				problems = append(problems, at+": "+err.Error())
				continue
			}
			if !slices.Contains(anchors(string(text)), frag) {
				problems = append(problems, at+": no heading of "+filepath.Base(dest)+" has the anchor #"+frag)
			}
		}
	}
	return problems, n
}

// proseLines returns the file's lines with those of fenced code blocks
// (and their fences) blanked, so that line numbers stay.
func proseLines(text string) []string {
	lines := strings.Split(text, "\n")
	fence := ""
	for i, line := range lines {
		trimmed := strings.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		switch {
		case fence != "":
			if indent < 4 && strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]+" ") == "" {
				fence = ""
			}
			lines[i] = ""
		case indent < 4 && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")):
			c := trimmed[:1]
			fence = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, c))]
			lines[i] = ""
		}
	}
	return lines
}

// withoutCode replaces each code span of the line (`x`, “ `x` “, …) by
// "code", so that a link shown as code is not taken for one.
func withoutCode(line string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(line, '`')
		if i < 0 {
			b.WriteString(line)
			return b.String()
		}
		run := len(line[i:]) - len(strings.TrimLeft(line[i:], "`"))
		ticks := line[i : i+run]
		end := -1
		for j := i + run; j < len(line); {
			k := strings.Index(line[j:], ticks)
			if k < 0 {
				break
			}
			k += j
			if k+run < len(line) && line[k+run] == '`' || line[k-1] == '`' {
				j = k + run
				for j < len(line) && line[j] == '`' {
					j++
				}
				continue
			}
			end = k
			break
		}
		if end < 0 { // an unmatched run is literal text
			b.WriteString(line[:i+run])
			line = line[i+run:]
			continue
		}
		b.WriteString(line[:i] + "code")
		line = line[end+run:]
	}
}

// headingRE matches an ATX heading: up to three spaces, one to six '#',
// then a space.
var headingRE = regexp.MustCompile(`^ {0,3}#{1,6}(?:[ \t]+(.*?))?[ \t]*$`)

// anchors returns the anchors GitHub gives the headings of a Markdown
// text, in order: a repeated one gets -1, -2, … .
func anchors(text string) []string {
	var out []string
	seen := map[string]int{}
	for _, line := range proseLines(text) {
		m := headingRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		a := anchor(m[1])
		if k, ok := seen[a]; ok {
			seen[a] = k + 1
			a = fmt.Sprintf("%s-%d", a, k+1)
		} else {
			seen[a] = 0
		}
		out = append(out, a)
	}
	return out
}

var (
	closingHashes = regexp.MustCompile(`[ \t]+#+$`)
	headingLink   = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
)

// anchor is GitHub's anchor for a heading's text: lower case, every
// character but letters, digits, '-', '_' and spaces removed, and each
// space turned into '-'.
func anchor(heading string) string {
	heading = closingHashes.ReplaceAllString(strings.TrimSpace(heading), "")
	heading = headingLink.ReplaceAllString(heading, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-', r == '_', unicode.IsLetter(r), unicode.IsDigit(r), unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestTroubleshootingCoversMintCodes: docs/troubleshooting.md has a row
// for every error code of the index's token exchange that pkg/mint
// declares, quoted as pyupload prints it ("<code>: <description>").
func TestTroubleshootingCoversMintCodes(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join("..", "..", "pkg", "mint", "mint.go"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "troubleshooting.md"))
	if err != nil {
		t.Fatal(err)
	}
	codes := regexp.MustCompile(`(?m)^\s*Code\w+\s+Code\s*=\s*"([a-z-]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(codes) < 6 {
		t.Fatalf("found %d codes in pkg/mint/mint.go; did their declaration change?", len(codes))
	}
	for _, c := range codes {
		if !strings.Contains(string(doc), "| `"+c[1]+": ") {
			t.Errorf("docs/troubleshooting.md has no row starting with `%s: <description>`", c[1])
		}
	}
}
