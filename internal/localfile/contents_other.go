//go:build !linux

package localfile

import "io"

// writeTo copies: the map is used on Linux only, where MAP_POPULATE and
// the fault handling of contents_linux.go are tested.
func (c *Contents) writeTo(w io.Writer) (int64, error) { return c.copyTo(w) }
