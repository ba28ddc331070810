package pep440

import "github.com/pyupload/pyupload/internal/pystr"

// PyRepr quotes s as Python's repr(str) does (internal/pystr's Repr), as
// PyPI's messages quote rejected values.
func PyRepr(s string) string { return pystr.Repr(s) }
