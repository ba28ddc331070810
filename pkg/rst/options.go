package rst

import (
	"regexp"
	"strconv"
	"strings"
)

// parseOptions is parse_extension_options: lines is a field list whose
// fields are options; it fills opts or returns docutils' complaint.
func parseOptions(lines []string, spec, opts map[string]string) string {
	b := block{lines: lines}
	for i := 0; i < b.len(); {
		name, markerEnd, ok := fieldMarker(b.lines[i])
		if !ok {
			return "invalid option block"
		}
		ind, end, _ := b.indented(i, false, -1, markerEnd)
		value := strings.TrimSpace(strings.Join(ind.lines, "\n"))
		name, plain := optionName(name)
		conv, known := spec[name]
		if !known && plain {
			return `unknown option: "` + name + `"`
		}
		if _, dup := opts[name]; dup {
			return `invalid option data: duplicate option "` + name + `"`
		}
		if err := convertOption(conv, value, ind.len() > 0 && value != ""); err != "" {
			return "invalid option value: (option: \"" + name + "\"; value: " + pyRepr(value) + ")\n" + err
		}
		opts[name] = value
		i = end
	}
	return ""
}

// optionName is the option a field name names: its text after inline
// markup, lower-cased ("alt_" is a reference whose text is "alt"). plain
// is false when the name holds markup whose text is not modelled here.
func optionName(name string) (string, bool) {
	text := strings.ToLower(unescape(escape2null(name)))
	if strings.ContainsAny(text, "*`|[") {
		return text, false
	}
	if t := strings.TrimRight(text, "_"); t != text && len(text)-len(t) <= 2 {
		text = t
	}
	return text, true
}

var measureRe = regexp.MustCompile(`^([0-9.]+) *(em|ex|px|in|cm|mm|pt|pc|%|)$`)

// convertOption runs the option's converter; "" means it accepts.
func convertOption(conv, v string, given bool) string {
	switch conv {
	case "flag":
		if given {
			return `no argument is allowed; "` + v + `" supplied`
		}
	case "unchanged_required", "class_option", "uri", "path":
		if !given {
			return "argument required but none supplied"
		}
	case "nonnegative_int", "int", "percentage":
		if conv == "percentage" {
			v = strings.TrimRight(v, " %")
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || conv != "int" && n < 0 {
			return "negative or non-integer value"
		}
	case "length_or_unitless", "length_or_percentage_or_unitless":
		m := measureRe.FindStringSubmatch(v)
		units := `"em" "ex" "px" "in" "cm" "mm" "pt" "pc"`
		if conv == "length_or_percentage_or_unitless" {
			units += ` "%"`
		}
		_, err := strconv.ParseFloat(strings.TrimSpace(measureNumber(m)), 64)
		if m == nil || m[2] == "%" && conv == "length_or_unitless" || err != nil {
			return "not a positive measure of one of the following units:\n" + units
		}
	case "align_image", "align_table", "backlinks":
		values := map[string]string{"align_image": " top middle bottom left center right ",
			"align_table": " left center right ", "backlinks": " top entry none "}[conv]
		if !given || !strings.Contains(values, " "+strings.ToLower(v)+" ") {
			return "not a valid choice"
		}
	}
	return ""
}

func measureNumber(m []string) string {
	if m == nil {
		return ""
	}
	return m[1]
}

// pyRepr quotes like Python's repr of a str, closely enough for messages.
func pyRepr(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }
