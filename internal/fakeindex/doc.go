// Package fakeindex is a test index that behaves like PyPI's server
// (Warehouse) as docs/index-server.md describes it. It is the far end of
// pyupload's pipeline: pkg/upload (and, through cmd/pyupload, the whole
// CLI) sends its multipart POSTs to an [*Index] served in-process with
// net/http/httptest, and cmd/fakeindex serves the same handler on loopback
// for demos, benchmarks and real clients such as twine.
//
// An [*Index] is an [net/http.Handler]. Under the default profile,
// PyPI's, it has:
//
//   - POST /legacy/: the upload endpoint, routed by ":action" and
//     validated in Warehouse's order with its status codes and exact
//     messages (docs/index-server.md §1, §2, §3). Uploaded bytes are
//     streamed to a spool file while sha256 and blake2b-256 are computed;
//     no upload is ever held in memory.
//   - POST /legacy: the 308 redirect Warehouse answers without the slash.
//   - GET /pypi/<project>/json, /pypi/<project>/<version>/json, /simple/,
//     /simple/<project>/ and /files/<filename>: the read APIs a client uses
//     to resolve an ambiguous upload (docs/index-server.md §7).
//   - GET /: a small HTML page listing the projects.
//   - With [WithOIDC], Trusted Publishing (docs/index-server.md §4,
//     §5): GET /_/oidc/audience and POST /_/oidc/mint-token (and its
//     legacy alias /_/oidc/github/mint-token), which exchange an identity
//     token for a short-lived upload token with Warehouse's checks and
//     exact error documents. Identity tokens are RS256 JWTs signed with the index's own
//     key ([Index.SignIDToken], GET /_fake/jwks), which it trusts for every
//     known issuer. Minted tokens work on /legacy/ for their publisher's
//     projects until they expire, and cannot create projects. The fakes
//     of CI providers' token endpoints are in internal/fakeci, which signs
//     with the index's key through [Index.SignIDToken] and dates tokens by
//     [Index.Now]; this package knows nothing of them.
//   - PEP 740 attestations (attest.go): /legacy/ verifies the
//     attestations field of a Trusted Publishing upload as PyPI does
//     (docs/index-server.md §6), with sigstore-go's verifier against the
//     trust root of the index's fake Sigstore ([Index.Sigstore], from
//     internal/fakesigstore, served at [FulcioPath] and [RekorPath]) or
//     [WithAttestationTrustedRoot]'s, and the certificate's identity
//     against the publisher that minted the token. Accepted attestations
//     are served by PyPI's integrity API, GET
//     /integrity/<project>/<version>/<filename>/provenance
//     ([Index.Provenance]).
//
// # Registry profiles
//
// [WithProfile] makes the index answer as another registry that takes
// the same uploads: [ProfileGitea], [ProfileGitLab], [ProfileNexus],
// [ProfileArtifactory], [ProfilePypiserver] or [ProfileDevpi] instead of
// [ProfilePyPI], the default described above. A profile changes where uploads go
// ([Index.UploadPath]), the duplicate rule (a filename is taken once,
// whatever its bytes; devpi, like PyPI, takes identical bytes again),
// the statuses and bodies of the answers, the read API
// ([Index.SimplePath]), the release's web page ([Index.ReleasePage]) and
// whether reads need credentials ([WithReadAuth]); [WithoutReadAPI]
// removes the read API for the cases where only the upload's answer
// tells. The upload pipeline is shared: it classifies its outcome
// (stored, identical, exists, no or wrong credentials, any other error)
// and the profile's registry words it, so storage, validation, faults,
// shaping, [Index.Files] and [Index.Preload] work under every profile.
// docs/test-index.md has each registry's answers and where they were
// taken from.
//
// On PyPI, error bodies follow Pyramid's rendering chosen by the Accept header
// (docs/index-server.md §2.1). Go's net/http server cannot send a custom
// reason phrase, so the status line that Warehouse puts on the wire travels
// only in the body: the JSON "code" member, or the first line of the
// text/plain body. That is exactly why clients must read the body rather
// than the status line (over HTTP/2, which PyPI serves, the phrase is lost
// anyway).
//
// Faults ([Index.FailUploads], [Index.RateLimitUploads],
// [Index.ResetUploadsMidBody], [Index.ResetUploadsAfterStore],
// [Index.StallUploads]) and traffic shaping ([WithLatency],
// [WithBandwidth]) let tests see what a real network does. Everything is
// safe for concurrent use, and every wait honours the request's context.
//
// # Hostile mode
//
// [WithHostile] and [Index.SetHostile] switch on behaviours of a broken
// or malicious server, each a [Hostile] named for its endpoint: uploads
// answered 200 with a web page, an empty body or a login page while
// nothing is stored; answers whose body drips a byte every
// [WithDripInterval], never ends, or never comes; a read API whose
// documents never end; error texts, audiences and minted tokens carrying
// [Injection] or [TokenInjection] (newlines, workflow commands, ANSI and
// C1 escapes, bidirectional overrides, Markdown, HTML, $GITHUB_ENV
// lines); thousands of headers, or one too large for Go's client. All
// are off by default. [Index.HostileStats] and [Index.WaitHostileDone]
// tell a test that its client stopped reading or gave up, and
// [FindInjection] which injected texts reached its output intact.
// docs/test-index.md lists every switch.
//
// # Oracle policy
//
// The index is the oracle pyupload's client is tested against, and a rule
// both sides share cannot be caught being wrong. So every validation rule
// here is the index's own, written from Warehouse's and packaging's
// behaviour and never from pkg/dist: the upload form, the metadata (its
// own field table, versions, names, requirements, specifiers, markers,
// content types, licenses, import names, Warehouse's extra rules), the
// description's rendering, filenames and platform tags, and the archives
// (compression ratio, zip record framing, tar reading, wheel members).
//
// Two things are shared. PEP 440 versions are parsed and compared with
// pkg/dist's [dist.ParseVersion]: a standard grammar rather than a PyPI
// rule, pinned by pkg/dist's tests against packaging's own vectors, which
// a second copy would only transcribe again. [Index.Preload] derives a
// file's type from its name with [dist.ParseFilename], which is test
// set-up, not validation.
//
// TestClientAgreesWithIndex runs every committed distribution, every fuzz
// seed that is or makes one, and generated archives at the edges of the
// archive rules through both the client's checks and this package's
// upload pipeline, and fails on any disagreement that is not listed with
// its reason. docs/test-index.md has the whole policy and the list.
package fakeindex
