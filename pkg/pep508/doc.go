// Package pep508 parses PEP 508 dependency specifiers (Requires-Dist,
// Provides-Dist, Obsoletes-Dist) with the grammar of packaging 26.2's
// hand-written parser (packaging/_parser.py and _tokenizer.py), which PyPI
// validates uploads with, and reports packaging's own error messages with
// the position where parsing stopped.
//
// differential_test.go runs a generated corpus of thousands of strings
// through Debian's python3 with packaging and fails on any verdict that
// differs and is not listed, with its reason, in known_differences_test.go.
package pep508
