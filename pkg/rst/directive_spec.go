package rst

import "maps"

// dirSpec is what parse_directive_block needs to know of a directive:
// its arguments, options (by converter) and whether it takes content.
type dirSpec struct {
	required, optional int
	finalWhitespace    bool
	content            bool
	options            map[string]string
}

// Option converters, by the name docutils gives them.
var (
	classAndName = map[string]string{"class": "class_option", "name": "unchanged"}
	imageOptions = map[string]string{"alt": "unchanged", "height": "length_or_unitless",
		"width": "length_or_percentage_or_unitless", "scale": "percentage", "align": "align_image",
		"target": "unchanged_required", "class": "class_option", "name": "unchanged"}
)

func with(base map[string]string, more ...string) map[string]string {
	m := maps.Clone(base)
	for i := 0; i+1 < len(more); i += 2 {
		m[more[i]] = more[i+1]
	}
	return m
}

// directiveSpecs are docutils 0.19's English directives (canonical
// names; aliases in directiveAliases).
var directiveSpecs = map[string]dirSpec{
	"admonition": {1, 0, true, true, classAndName},
	"attention":  {0, 0, true, true, classAndName}, "caution": {0, 0, true, true, classAndName},
	"danger": {0, 0, true, true, classAndName}, "error": {0, 0, true, true, classAndName},
	"hint": {0, 0, true, true, classAndName}, "important": {0, 0, true, true, classAndName},
	"note": {0, 0, true, true, classAndName}, "tip": {0, 0, true, true, classAndName},
	"warning":   {0, 0, true, true, classAndName},
	"class":     {1, 0, true, true, nil},
	"code":      {0, 1, false, true, with(classAndName, "number-lines", "unchanged")},
	"compound":  {0, 0, false, true, classAndName},
	"container": {0, 1, true, true, map[string]string{"name": "unchanged"}},
	"contents": {0, 1, true, false, map[string]string{"depth": "nonnegative_int", "local": "flag",
		"backlinks": "backlinks", "class": "class_option"}},
	"csv-table": {0, 1, true, true, with(classAndName, "header-rows", "nonnegative_int", "stub-columns", "nonnegative_int",
		"header", "unchanged", "width", "length_or_percentage_or_unitless", "widths", "unchanged", "file", "path",
		"url", "uri", "encoding", "unchanged", "align", "align_table", "delim", "unchanged", "keepspace", "flag",
		"quote", "unchanged", "escape", "unchanged")},
	"date":         {0, 0, false, true, nil},
	"default-role": {0, 1, false, false, nil},
	"epigraph":     {0, 0, false, true, nil},
	"figure":       {1, 0, true, true, with(imageOptions, "align", "align_table", "figwidth", "unchanged", "figclass", "class_option")},
	"footer":       {0, 0, false, true, nil},
	"header":       {0, 0, false, true, nil},
	"highlights":   {0, 0, false, true, nil},
	"image":        {1, 0, true, false, imageOptions},
	"include": {1, 0, true, false, with(classAndName, "literal", "flag", "code", "unchanged", "encoding", "unchanged",
		"parser", "unchanged", "tab-width", "int", "start-line", "int", "end-line", "int", "start-after", "unchanged_required",
		"end-before", "unchanged_required", "number-lines", "unchanged")},
	"line-block": {0, 0, false, true, classAndName},
	"list-table": {0, 1, true, true, with(classAndName, "header-rows", "nonnegative_int", "stub-columns", "nonnegative_int",
		"width", "length_or_percentage_or_unitless", "widths", "unchanged", "align", "align_table")},
	"math":                            {0, 0, false, true, classAndName},
	"meta":                            {0, 0, false, true, nil},
	"parsed-literal":                  {0, 0, false, true, classAndName},
	"pull-quote":                      {0, 0, false, true, nil},
	"raw":                             {1, 0, true, true, map[string]string{"file": "path", "url": "uri", "encoding": "unchanged", "class": "class_option"}},
	"replace":                         {0, 0, false, true, nil},
	"restructuredtext-test-directive": {0, 1, true, true, map[string]string{"option": "unchanged_required"}},
	"role":                            {0, 0, false, true, nil},
	"rubric":                          {1, 0, true, false, classAndName},
	"sectnum":                         {0, 0, false, false, map[string]string{"depth": "int", "start": "int", "prefix": "unchanged_required", "suffix": "unchanged_required"}},
	"sidebar":                         {0, 1, true, true, with(classAndName, "subtitle", "unchanged_required")},
	"table": {0, 1, true, true, with(classAndName, "align", "align_table", "width", "length_or_percentage_or_unitless",
		"widths", "unchanged")},
	"target-notes": {0, 0, false, false, classAndName},
	"title":        {1, 0, true, false, nil},
	"topic":        {1, 0, true, true, classAndName},
	"unicode":      {1, 0, true, false, map[string]string{"trim": "flag", "ltrim": "flag", "rtrim": "flag"}},
}

// directiveAliases are the other English names docutils accepts.
var directiveAliases = map[string]string{"code-block": "code", "sourcecode": "code", "section-numbering": "sectnum"}

// admonitions need content ("Content block expected ...").
var needsContent = map[string]bool{"admonition": true, "attention": true, "caution": true, "danger": true,
	"error": true, "hint": true, "important": true, "note": true, "tip": true, "warning": true, "code": true,
	"compound": true, "container": true, "epigraph": true, "highlights": true, "pull-quote": true,
	"parsed-literal": true, "line-block": true, "topic": true, "sidebar": true}

// bodyContent are the directives whose content is parsed as body elements.
var bodyContent = map[string]bool{"admonition": true, "attention": true, "caution": true, "danger": true,
	"error": true, "hint": true, "important": true, "note": true, "tip": true, "warning": true,
	"compound": true, "container": true, "epigraph": true, "highlights": true, "pull-quote": true,
	"topic": true, "sidebar": true, "class": true, "header": true, "footer": true, "table": true, "figure": true}
