package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"
)

// envSource binds a flag to an environment variable read through the
// injected lookup, so tests pass a map and nothing reads os.Environ.
type envSource struct {
	env lookupEnv
	key string
}

var (
	_ cli.ValueSource    = envSource{}
	_ cli.EnvValueSource = envSource{}
)

func (s envSource) Lookup() (string, bool) {
	v, ok := s.env(s.key)
	return strings.TrimSpace(v), ok && strings.TrimSpace(v) != ""
}
func (s envSource) String() string   { return "environment variable " + s.key }
func (s envSource) GoString() string { return fmt.Sprintf("envSource{key:%q}", s.key) }
func (s envSource) IsFromEnv() bool  { return true }
func (s envSource) Key() string      { return s.key }

// envVars is cli.EnvVars over the injected lookup.
func envVars(env lookupEnv, keys ...string) cli.ValueSourceChain {
	srcs := make([]cli.ValueSource, len(keys))
	for i, k := range keys {
		srcs[i] = envSource{env: env, key: k}
	}
	return cli.NewValueSourceChain(srcs...)
}
