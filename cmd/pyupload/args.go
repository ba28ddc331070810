package main

import (
	"strings"

	"github.com/urfave/cli/v3"
)

// splitAttached rewrites a short flag with its value attached, as argparse
// reads it for twine (-u__token__, -pSECRET, -rtestpypi, -cCOMMENT), into
// the two arguments urfave/cli reads. Only short flags that take a value
// are split; an argument that is a flag's name (urfave/cli accepts
// -verbose) or a flag's value (-p -secret-) is kept whole, and nothing
// after "--" is touched.
func splitAttached(args []string, flags []cli.Flag) []string {
	known, takesValue := map[string]bool{}, map[string]bool{}
	for _, f := range flags {
		v := false
		if d, ok := f.(cli.DocGenerationFlag); ok {
			v = d.TakesValue()
		}
		for _, n := range f.Names() {
			known[n] = true
			takesValue[n] = takesValue[n] || v
		}
	}
	out := make([]string, 0, len(args)+1)
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		name, attached := flagName(a)
		switch {
		case name == "":
			out = append(out, a)
		case known[name]:
			out = append(out, a)
			// The value, whatever it looks like, except "--", which ends
			// the flags even where a value was due (argparse's rule too).
			if takesValue[name] && !attached && i+1 < len(args) && args[i+1] != "--" {
				i++
				out = append(out, args[i])
			}
		case !strings.HasPrefix(a, "--") && takesValue[a[1:2]] && a[2] != '=':
			out = append(out, a[:2], a[2:])
		default:
			out = append(out, a)
		}
	}
	return out
}

// flagName is the name of a flag argument ("u" of "-u", "comment" of
// "--comment=x") and whether a value is attached with "="; "" for an
// argument that is not a flag.
func flagName(a string) (name string, attached bool) {
	if len(a) < 2 || a[0] != '-' || a == "--" {
		return "", false
	}
	name = strings.TrimPrefix(a[1:], "-")
	if c := name[0]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
		return "", false // "-1", "-.whl": not a flag
	}
	name, _, attached = strings.Cut(name, "=")
	return name, attached
}

// commandFlags are the flags of a command and of all its subcommands.
func commandFlags(c *cli.Command) []cli.Flag {
	out := append([]cli.Flag(nil), c.Flags...)
	for _, sub := range c.Commands {
		out = append(out, commandFlags(sub)...)
	}
	return out
}
