//go:build !linux

package localfile

import "io"

// writeTo copies: only Linux's map is used (MAP_POPULATE, and the fault
// handling below, are tried there).
func (c *Contents) writeTo(w io.Writer) (int64, error) { return c.copyTo(w) }
