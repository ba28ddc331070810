package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/envvars"
)

// envSource binds a flag to an environment variable read through the
// injected lookup, so tests pass a map and nothing reads os.Environ.
type envSource struct {
	env envvars.Lookup
	key string
}

var (
	_ cli.ValueSource    = envSource{}
	_ cli.EnvValueSource = envSource{}
)

func (s envSource) Lookup() (string, bool) {
	v, _, ok := firstSet(s.env, s.key)
	return v, ok
}
func (s envSource) String() string   { return "environment variable " + s.key }
func (s envSource) GoString() string { return fmt.Sprintf("envSource{key:%q}", s.key) }
func (s envSource) IsFromEnv() bool  { return true }
func (s envSource) Key() string      { return s.key }

// fromEnv binds a flag to the variables the registry says feed it.
func fromEnv(env envvars.Lookup, flag string) cli.ValueSourceChain {
	keys := envvars.ForFlag(flag)
	srcs := make([]cli.ValueSource, len(keys))
	for i, k := range keys {
		srcs[i] = envSource{env: env, key: k}
	}
	return cli.NewValueSourceChain(srcs...)
}

// firstSet returns the first of the variables that is set and not blank,
// trimmed, and its name.
func firstSet(env envvars.Lookup, keys ...string) (value, name string, ok bool) {
	for _, k := range keys {
		if v, set := env(k); set && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v), k, true
		}
	}
	return "", "", false
}

// flagEnv reads the variables that feed flag, for the settings
// credentials.Resolve takes from the environment apart from the flags; name
// is the variable read, or "".
func flagEnv(env envvars.Lookup, flag string) (value, name string) {
	value, name, _ = firstSet(env, envvars.ForFlag(flag)...)
	return value, name
}

// envNote is the "[$A, $B]" help suffix of a flag whose variables are read
// apart from the flag.
func envNote(flag string) string {
	return " [$" + strings.Join(envvars.ForFlag(flag), ", $") + "]"
}
