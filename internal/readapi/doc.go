// Package readapi asks a package index which files it already holds, so
// an upload can be decided by hash rather than by the index's "already
// exists" message, on PyPI and on every registry that implements its
// upload API.
//
// Three read APIs are understood: PyPI's JSON API (per release), PEP 691
// JSON simple pages and PEP 503 HTML simple pages (the sha256 is the
// link's "#sha256=" fragment). Where to ask is derived from the upload
// URL by [Candidates]: PyPI and TestPyPI map to their read hosts, a
// Warehouse-shaped "/legacy/" endpoint to its own host, and any other
// registry is asked under the upload URL first ("<upload>/simple/<name>/",
// then devpi's "<upload>/+simple/<name>/") and at the host's root last.
// An answer that is not a simple page (Gitea routes "/simple/<name>/" at
// the host root as a user's web page) is recognised and skipped.
//
// Upload credentials go only to the upload URL's own origin: private
// registries refuse anonymous reads, and no other host may see them.
//
// [ReleasePage] gives the web page of a release only for index layouts
// whose pages are known, never a guessed link.
package readapi
