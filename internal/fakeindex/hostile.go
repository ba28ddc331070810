package fakeindex

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/pyupload/pyupload/internal/answermeter"
)

// Hostile is one hostile behaviour of the index: a switch that makes an
// endpoint answer as a broken or malicious server would, so that tests can
// check the client survives it (docs/test-index.md, "Hostile mode"). Every
// switch is off by default, and with all of them off the index behaves
// exactly as it does without this mode. Switch them on with [WithHostile]
// or, at run time, [Index.SetHostile]; cmd/fakeindex takes them as
// -hostile name,name.
//
// Hostile is a string type so that a constant can be passed directly; a
// name read at run time goes through [ParseHostile].
type Hostile string

// The hostile switches. When several concern the same endpoint, the first
// in this list that is on decides the answer. None of the upload switches
// stores anything; each reads the whole request body before it answers.
// Drips write one byte every [WithDripInterval]; drips, endless bodies and
// hangs go on until the client goes away or [Index.Close], which drops
// the connection without ending the body.
const (
	// HostileUploadHTML answers uploads 200 with a web site's HTML page,
	// what an upload to a wrong URL often gets.
	HostileUploadHTML Hostile = "upload-html"
	// HostileUploadEmpty answers uploads 200 with an empty body.
	HostileUploadEmpty Hostile = "upload-empty"
	// HostileUploadLogin answers uploads 200 with a single sign-on login
	// page that redirects by <meta http-equiv="refresh">, what a proxy
	// that wants a browser session answers.
	HostileUploadLogin Hostile = "upload-login"
	// HostileUploadInjection answers uploads 400 with [Injection] as the
	// message, in the profile's error format (on PyPI: the JSON code and
	// message, the text/plain body, or the HTML page, by Accept).
	HostileUploadInjection Hostile = "upload-injection"
	// HostileUploadDrip sends a 200's headers at once, then an HTML body
	// one byte per drip interval, forever.
	HostileUploadDrip Hostile = "upload-drip"
	// HostileUploadEndless sends a 200 with an HTML body that never ends,
	// as fast as the client reads.
	HostileUploadEndless Hostile = "upload-endless"
	// HostileUploadHang reads the request and never answers.
	HostileUploadHang Hostile = "upload-hang"

	// HostileReadEndless answers the read API (the JSON API and the
	// simple pages, HTML or PEP 691 JSON by Accept, of any project) 200
	// with a valid-looking document that never ends: its start, then
	// file entries repeated forever. File downloads are left alone.
	HostileReadEndless Hostile = "read-endless"
	// HostileReadDrip is HostileReadEndless one byte per drip interval.
	HostileReadDrip Hostile = "read-drip"

	// HostileMintToken makes a successful mint's token carry
	// [TokenInjection] after its usual text: newlines and lines for
	// $GITHUB_ENV and the runner. The token still works for uploads
	// (sent verbatim). It needs [WithOIDC], like any mint.
	HostileMintToken Hostile = "mint-token"
	// HostileMintInjection answers mints 422 with [Injection] in the
	// message and in the errors' codes and descriptions.
	HostileMintInjection Hostile = "mint-injection"
	// HostileMintHang reads the mint request and never answers.
	HostileMintHang Hostile = "mint-hang"
	// HostileMintDrip sends a mint's 200 headers, then
	// {"success": true, "token": "pypi-... one byte per drip interval,
	// forever.
	HostileMintDrip Hostile = "mint-drip"
	// HostileMintEndless is the same document as fast as the client
	// reads: a token that never ends.
	HostileMintEndless Hostile = "mint-endless"

	// HostileAudienceInjection answers the audience endpoint 200 with an
	// audience of "pypi" followed by [Injection].
	HostileAudienceInjection Hostile = "audience-injection"
	// HostileAudienceHTML answers the audience endpoint 200 with the
	// login page of HostileUploadLogin.
	HostileAudienceHTML Hostile = "audience-html"
	// HostileAudienceHang never answers the audience endpoint.
	HostileAudienceHang Hostile = "audience-hang"
	// HostileAudienceDrip drips {"audience": "pypi... forever.
	HostileAudienceDrip Hostile = "audience-drip"
	// HostileAudienceEndless sends an audience that never ends.
	HostileAudienceEndless Hostile = "audience-endless"

	// HostileManyHeaders adds 2,000 headers (about 190 KB) to every
	// answer, under the 10 MiB that Go's client accepts by default.
	HostileManyHeaders Hostile = "many-headers"
	// HostileHugeHeaders adds one header of 11 MiB to every answer, over
	// the 10 MiB that Go's client accepts by default.
	HostileHugeHeaders Hostile = "huge-headers"
)

// The mint and audience switches apply with or without [WithOIDC]: they
// take over the endpoints' paths themselves (but HostileMintToken needs a
// mint that succeeds).

// Injection is the text hostile answers put where an index's message or
// value goes. Each line attacks what shows it differently: GitHub
// Actions' workflow commands (an annotation, masking, turning commands
// off), a GitLab collapsible section, ANSI CSI and OSC escapes (colours,
// the terminal's title, a hyperlink), C1 controls (U+009B CSI, U+0085
// NEL, and a raw 0x9b byte, which is not UTF-8), a right-to-left
// override, the end of a Markdown code block and of a <details> element in
// a step summary, HTML, and a line for $GITHUB_ENV. [FindInjection] says
// which of them reached a client's output intact.
const Injection = "pwned" +
	"\n::error::pwned" +
	"\n::add-mask::pwned" +
	"\n::stop-commands::pwned" +
	"\nsection_start:1767225600:pwned\r\x1b[0Kpwned" +
	"\n\x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x1b]8;;https://evil.example/\x07link\x1b]8;;\x07" +
	" \u009b31mC1\u009b0m \u0085NEL \x9b31m8-bit" +
	" \u202eevil\u202c" +
	"\n```\n</details>\n<script>alert(1)</script><img src=x onerror=alert(1)>" +
	"\nBASH_ENV=./evil.sh"

// TokenInjection is what [HostileMintToken] appends to a minted token:
// lines that, were the token written unchecked to $GITHUB_ENV or a log,
// would set BASH_ENV for every later step and turn off the runner's
// workflow commands.
const TokenInjection = "\nBASH_ENV=./evil.sh\n::stop-commands::pwned\nPYUPLOAD_PWNED=1" // #nosec G101 -- an attack on logs, not a credential

// FindInjection reports which parts of [Injection] and [TokenInjection]
// reached out intact, one description each: a line (after \n or \r)
// that starts with a workflow command or GitLab section carrying "pwned",
// with BASH_ENV= or PYUPLOAD_PWNED=, or with ```; and anywhere, ESC, BEL,
// a C1 control (as UTF-8 or as a raw byte), or a bidirectional override
// or isolate. A client that neutralises the index's texts leaves none;
// its own annotations (which never carry "pwned") pass. HTML is not
// looked for: it is harmless in a terminal or log, and where it is not
// (a step summary) what is safe depends on the renderer.
func FindInjection(out string) []string {
	var found []string
	add := func(what string) {
		if !slices.Contains(found, what) {
			found = append(found, what)
		}
	}
	lines := strings.FieldsFunc(out, func(r rune) bool { return r == '\n' || r == '\r' })
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "::") && strings.Contains(l, "pwned"):
			add("a workflow command at the start of a line: " + strconv.QuoteToASCII(l))
		case strings.HasPrefix(l, "section_start:") && strings.Contains(l, "pwned"),
			strings.HasPrefix(l, "section_end:") && strings.Contains(l, "pwned"):
			add("a GitLab section marker at the start of a line: " + strconv.QuoteToASCII(l))
		case strings.HasPrefix(l, "BASH_ENV="), strings.HasPrefix(l, "PYUPLOAD_PWNED="):
			add("an environment assignment at the start of a line: " + strconv.QuoteToASCII(l))
		case strings.HasPrefix(l, "```"):
			add("a Markdown fence at the start of a line")
		}
	}
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRuneInString(out[i:])
		switch {
		case r == utf8.RuneError && size == 1 && out[i] >= 0x80 && out[i] <= 0x9f:
			add(fmt.Sprintf("a raw C1 byte %#x", out[i]))
		case r == 0x1b:
			add("ESC")
		case r == 0x07:
			add("BEL")
		case r >= 0x80 && r <= 0x9f:
			add(fmt.Sprintf("the C1 control %U", r))
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			add(fmt.Sprintf("the bidirectional control %U", r))
		}
		i += size
	}
	return found
}

// endpoint is what a request asks for, as far as hostile switches care.
type endpoint int

const (
	epUpload endpoint = iota + 1
	epRead
	epMint
	epAudience
	epEvery // headers added to every answer
)

// hostileAnswer is how a switch answers.
type hostileAnswer int

const (
	ansHTML hostileAnswer = iota + 1
	ansEmpty
	ansLogin
	ansInjection
	ansDrip
	ansEndless
	ansHang
	ansToken
	ansManyHeaders
	ansHugeHeaders
)

// hostileSwitch is a switch's endpoint and answer.
type hostileSwitch struct {
	h   Hostile
	ep  endpoint
	ans hostileAnswer
}

// hostileSwitches are the switches, in the order that decides between
// several on for one endpoint.
var hostileSwitches = []hostileSwitch{
	{HostileUploadHTML, epUpload, ansHTML},
	{HostileUploadEmpty, epUpload, ansEmpty},
	{HostileUploadLogin, epUpload, ansLogin},
	{HostileUploadInjection, epUpload, ansInjection},
	{HostileUploadDrip, epUpload, ansDrip},
	{HostileUploadEndless, epUpload, ansEndless},
	{HostileUploadHang, epUpload, ansHang},
	{HostileReadEndless, epRead, ansEndless},
	{HostileReadDrip, epRead, ansDrip},
	{HostileMintToken, epMint, ansToken},
	{HostileMintInjection, epMint, ansInjection},
	{HostileMintHang, epMint, ansHang},
	{HostileMintDrip, epMint, ansDrip},
	{HostileMintEndless, epMint, ansEndless},
	{HostileAudienceInjection, epAudience, ansInjection},
	{HostileAudienceHTML, epAudience, ansLogin},
	{HostileAudienceHang, epAudience, ansHang},
	{HostileAudienceDrip, epAudience, ansDrip},
	{HostileAudienceEndless, epAudience, ansEndless},
	{HostileManyHeaders, epEvery, ansManyHeaders},
	{HostileHugeHeaders, epEvery, ansHugeHeaders},
}

// HostileNames returns the names [ParseHostile] accepts, in the order of
// precedence.
func HostileNames() []string {
	names := make([]string, len(hostileSwitches))
	for i, s := range hostileSwitches {
		names[i] = string(s.h)
	}
	return names
}

// ParseHostile reads a comma-separated list of switch names (spaces
// around names are ignored, empty items skipped), or returns an error
// naming the first unknown one and listing the known names.
func ParseHostile(list string) ([]Hostile, error) {
	var out []Hostile
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !knownHostile(Hostile(name)) {
			return nil, fmt.Errorf("fakeindex: unknown hostile behaviour %q (known: %s)", name, strings.Join(HostileNames(), ", "))
		}
		out = append(out, Hostile(name))
	}
	return out, nil
}

func knownHostile(h Hostile) bool {
	return slices.ContainsFunc(hostileSwitches, func(s hostileSwitch) bool { return s.h == h })
}

// DefaultDripInterval is the pause between two bytes of a drip.
const DefaultDripInterval = time.Second

// WithHostile switches hostile behaviours on from the start. A name
// [ParseHostile] would refuse does not make [New] fail: the index then
// answers every request with 500 and a message naming it, so the test
// that passed it fails at its first request. The default is none.
func WithHostile(hs ...Hostile) Option {
	return func(ix *Index) {
		for _, h := range hs {
			ix.hostile.set(h, true)
		}
	}
}

// WithDripInterval sets the pause between two bytes of the drip
// switches; zero or less means the default, [DefaultDripInterval]. Tests
// use a few milliseconds.
func WithDripInterval(d time.Duration) Option {
	return func(ix *Index) { ix.hostile.drip = d }
}

// SetHostile switches h on or off, from the next request on (answers in
// progress go on as they started). An unknown h makes the index answer
// every request with 500, as with [WithHostile].
func (ix *Index) SetHostile(h Hostile, on bool) { ix.hostile.set(h, on) }

// HostileOn reports whether h is on.
func (ix *Index) HostileOn(h Hostile) bool { return ix.hostile.on(h) }

// HostileStats counts what one hostile switch has answered, so a test can
// tell that a client stopped reading an endless or dripped answer, or gave
// up waiting on a hang.
type HostileStats = answermeter.Stats

// HostileStats returns the counts of h's answers.
func (ix *Index) HostileStats(h Hostile) HostileStats {
	return ix.hostile.meter(h).Stats()
}

// WaitHostileDone waits until h has begun at least one answer and none is
// open any more, that is until the client that got an endless, dripped or
// hanging answer went away, and returns the counts then. It returns ctx's
// error, with the counts so far, if ctx ends first: give it a deadline.
func (ix *Index) WaitHostileDone(ctx context.Context, h Hostile) (HostileStats, error) {
	return answermeter.WaitDone(ctx, func() HostileStats { return ix.HostileStats(h) })
}

// hostileState is the switches and their counters.
type hostileState struct {
	drip time.Duration

	mu      sync.Mutex
	enabled map[Hostile]bool
	unknown []Hostile
	meters  map[Hostile]*answermeter.Meter
}

func (s *hostileState) set(h Hostile, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !knownHostile(h) {
		if on && !slices.Contains(s.unknown, h) {
			s.unknown = append(s.unknown, h)
		}
		return
	}
	if s.enabled == nil {
		s.enabled = map[Hostile]bool{}
	}
	s.enabled[h] = on
}

func (s *hostileState) on(h Hostile) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enabled[h]
}

// badName is the first unknown name switched on, or "".
func (s *hostileState) badName() Hostile {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.unknown) > 0 {
		return s.unknown[0]
	}
	return ""
}

// pick returns the first switch on for ep.
func (s *hostileState) pick(ep endpoint) (Hostile, hostileAnswer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sw := range hostileSwitches {
		if sw.ep == ep && s.enabled[sw.h] {
			return sw.h, sw.ans, true
		}
	}
	return "", 0, false
}

func (s *hostileState) meter(h Hostile) *answermeter.Meter {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !knownHostile(h) {
		return nil
	}
	if s.meters == nil {
		s.meters = map[Hostile]*answermeter.Meter{}
	}
	m := s.meters[h]
	if m == nil {
		m = &answermeter.Meter{}
		s.meters[h] = m
	}
	return m
}

func (s *hostileState) interval() time.Duration {
	if s.drip <= 0 {
		return DefaultDripInterval
	}
	return s.drip
}

// hostileFront is where ServeHTTP hands over to hostile switches: the
// unknown-name refusal, the extra headers, and the mint and audience
// endpoints. It reports whether the request was answered.
func (ix *Index) hostileFront(w http.ResponseWriter, r *http.Request) bool {
	if bad := ix.hostile.badName(); bad != "" {
		(&reply{status: http.StatusInternalServerError, message: fmt.Sprintf("fakeindex: unknown hostile behaviour %q (known: %s)", bad, strings.Join(HostileNames(), ", "))}).write(w, r)
		return true
	}
	for _, h := range []Hostile{HostileManyHeaders, HostileHugeHeaders} {
		if ix.hostile.on(h) {
			ix.hostile.meter(h).Count()
			addHostileHeaders(w.Header(), h)
		}
	}
	var ep endpoint
	switch {
	case r.Method == http.MethodPost && (r.URL.Path == "/_/oidc/mint-token" || r.URL.Path == "/_/oidc/github/mint-token"):
		ep = epMint
	case r.Method == http.MethodGet && r.URL.Path == "/_/oidc/audience":
		ep = epAudience
	default:
		return false
	}
	h, ans, ok := ix.hostile.pick(ep)
	if !ok || ans == ansToken {
		return false // HostileMintToken changes a real mint (oidc.go)
	}
	if ep == epMint {
		ix.mintAttempts.Add(1)
	}
	ix.serveHostile(w, r, h, ep, ans)
	return true
}

// hostileUpload answers a POST to the upload endpoint when an upload
// switch is on, and reports whether it did.
func (ix *Index) hostileUpload(w http.ResponseWriter, r *http.Request) bool {
	h, ans, ok := ix.hostile.pick(epUpload)
	if ok {
		ix.serveHostile(w, r, h, epUpload, ans)
	}
	return ok
}

// hostileRead answers a read API request when a read switch is on, and
// reports whether it did. Downloads of files are left alone.
func (ix *Index) hostileRead(w http.ResponseWriter, r *http.Request) bool {
	if !isJSONAPI(r.URL.Path) && !strings.HasPrefix(r.URL.Path, ix.reg.simplePath()) {
		return false
	}
	h, ans, ok := ix.hostile.pick(epRead)
	if ok {
		ix.serveHostile(w, r, h, epRead, ans)
	}
	return ok
}

func isJSONAPI(path string) bool {
	return strings.HasPrefix(path, "/pypi/") && (strings.HasSuffix(path, "/json") || strings.HasSuffix(path, "/json/"))
}

// mintedTokenText is the text of a new upload token: with
// HostileMintToken, followed by TokenInjection.
func (ix *Index) mintedTokenText(base string) string {
	if ix.hostile.on(HostileMintToken) {
		ix.hostile.meter(HostileMintToken).Count()
		return base + TokenInjection
	}
	return base
}

// serveHostile writes the answer ans of switch h for endpoint ep.
func (ix *Index) serveHostile(w http.ResponseWriter, r *http.Request, h Hostile, ep endpoint, ans hostileAnswer) {
	m := ix.hostile.meter(h)
	defer m.Begin()()
	// Take the whole request first, as a server that means to answer does.
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		return // the client is gone
	}
	cw := &meteredWriter{w: w, m: m}
	switch ans {
	case ansHTML:
		writeStatic(cw, "text/html; charset=utf-8", siteHomePage)
	case ansLogin:
		writeStatic(cw, "text/html; charset=utf-8", loginPage)
	case ansEmpty:
		writeStatic(cw, "", "")
	case ansInjection:
		ix.writeInjection(cw, r, ep)
	case ansHang:
		ix.hang(r.Context())
	case ansDrip, ansEndless:
		ctype, src := hostileStream(ep, r)
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(http.StatusOK)
		if ans == ansDrip {
			ix.drip(r.Context(), cw, src)
		} else {
			ix.flood(r.Context(), cw, src)
		}
	}
}

// meteredWriter counts the body bytes written through it.
type meteredWriter struct {
	w http.ResponseWriter
	m *answermeter.Meter
}

func (mw *meteredWriter) Header() http.Header { return mw.w.Header() }

func (mw *meteredWriter) WriteHeader(code int) { mw.w.WriteHeader(code) }

func (mw *meteredWriter) Write(p []byte) (int, error) {
	n, err := mw.w.Write(p)
	mw.m.Wrote(n)
	return n, err
}

func (mw *meteredWriter) Unwrap() http.ResponseWriter { return mw.w }

func writeStatic(w http.ResponseWriter, ctype, body string) {
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, body) // #nosec G705 -- a constant page
}

// writeInjection answers with Injection where the endpoint's message or
// value goes.
func (ix *Index) writeInjection(w http.ResponseWriter, r *http.Request, ep endpoint) {
	switch ep {
	case epUpload:
		ix.answer(&reply{status: http.StatusBadRequest, message: Injection}, r).write(w, r)
	case epMint:
		writePyJSON(w, http.StatusUnprocessableEntity, `{"message": `+pyJSONString(Injection)+`, "errors": [`+
			`{"code": "invalid-publisher", "description": `+pyJSONString("valid token, but no corresponding publisher ("+Injection+")")+`}, `+
			`{"code": `+pyJSONString(Injection)+`, "description": `+pyJSONString(Injection)+`}]}`)
	case epAudience:
		writePyJSON(w, http.StatusOK, `{"audience": `+pyJSONString("pypi"+Injection)+`}`)
	}
}

// hang holds the request until the client goes away; when the index
// closes, it drops the connection rather than answer.
func (ix *Index) hang(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-ix.done:
		panic(http.ErrAbortHandler)
	}
}

// streamContext is ctx that also ends when the index closes, with a
// write deadline set on the connection when it ends, so that a write
// blocked on a client that stopped reading returns.
func (ix *Index) streamContext(ctx context.Context, w http.ResponseWriter) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-ix.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	rc := http.NewResponseController(w)
	stop := context.AfterFunc(ctx, func() { _ = rc.SetWriteDeadline(time.Now()) })
	return ctx, func() {
		stop()
		cancel()
	}
}

// endStream ends a drip or endless body that could not go on: when the
// index closed, the connection is dropped so the body never ends cleanly.
func (ix *Index) endStream() {
	select {
	case <-ix.done:
		panic(http.ErrAbortHandler)
	default:
	}
}

// drip writes src one byte per drip interval, flushing each.
func (ix *Index) drip(ctx context.Context, w http.ResponseWriter, src io.Reader) {
	ctx, stop := ix.streamContext(ctx, w)
	defer stop()
	defer ix.endStream()
	rc := http.NewResponseController(w)
	if rc.Flush() != nil {
		return
	}
	t := time.NewTicker(ix.hostile.interval())
	defer t.Stop()
	var b [1]byte
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := io.ReadFull(src, b[:]); err != nil {
			return
		}
		if _, err := w.Write(b[:]); err != nil || rc.Flush() != nil {
			return
		}
	}
}

// flood writes src as fast as the client reads.
func (ix *Index) flood(ctx context.Context, w http.ResponseWriter, src io.Reader) {
	ctx, stop := ix.streamContext(ctx, w)
	defer stop()
	defer ix.endStream()
	buf := make([]byte, 32<<10)
	for ctx.Err() == nil {
		if _, err := io.ReadFull(src, buf); err != nil {
			return
		}
		if _, err := w.Write(buf); err != nil {
			return
		}
	}
}

// hostileStream is the content type and the endless body of a drip or
// endless answer for ep.
func hostileStream(ep endpoint, r *http.Request) (string, io.Reader) {
	switch ep {
	case epRead:
		return readStream(r)
	case epMint:
		return "application/json", &endless{prefix: `{"success": true, "expires": 4102444800, "token": "pypi-`, unit: "AgEIcHlwaS5vcmcC"}
	case epAudience:
		return "application/json", &endless{prefix: `{"audience": "pypi`, unit: "pypipypi"}
	}
	return "text/html; charset=utf-8", &endless{prefix: siteHead, unit: "    <p>Processing your request&hellip;</p>\n"}
}

// readStream is an endless read API document for the request: the JSON
// API's, or a simple page in the format Accept asks for.
func readStream(r *http.Request) (string, io.Reader) {
	name := r.PathValue("project")
	if name == "" {
		name = "project"
	}
	sha := strings.Repeat("0", 64)
	file := canonicalName(name) + "-0.0.0.tar.gz"
	if isJSONAPI(r.URL.Path) {
		return "application/json", &endless{
			prefix: `{"info": {"name": ` + pyJSONString(name) + `, "version": "0.0.0", "summary": "", "yanked": false}, "last_serial": 1, "releases": {}, "vulnerabilities": [], "urls": [`,
			unit:   `{"filename": ` + pyJSONString(file) + `, "packagetype": "sdist", "digests": {"sha256": "` + sha + `", "blake2b_256": "` + sha + `"}, "size": 1, "url": "https://files.example/` + file + `"}, `,
		}
	}
	if negotiate(strings.Join(r.Header.Values("Accept"), ","), formatHTML, simpleHTML, simpleJSON) == simpleJSON {
		return simpleJSON, &endless{
			prefix: `{"meta": {"api-version": "1.4", "_last-serial": 1}, "name": ` + pyJSONString(canonicalName(name)) + `, "versions": ["0.0.0"], "files": [`,
			unit:   `{"filename": ` + pyJSONString(file) + `, "url": "https://files.example/` + file + `", "hashes": {"sha256": "` + sha + `"}, "yanked": false}, `,
		}
	}
	e := html.EscapeString(canonicalName(name))
	return "text/html; charset=utf-8", &endless{
		prefix: "<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.4\">\n    <title>Links for " + e + "</title>\n  </head>\n  <body>\n    <h1>Links for " + e + "</h1>\n",
		unit:   "    <a href=\"https://files.example/" + html.EscapeString(file) + "#sha256=" + sha + "\">" + html.EscapeString(file) + "</a><br />\n",
	}
}

// endless reads prefix, then unit forever.
type endless struct {
	prefix, unit string
	off          int // in prefix, then in unit (modulo its length)
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if e.off < len(e.prefix) {
			c := copy(p[n:], e.prefix[e.off:])
			n += c
			e.off += c
			continue
		}
		i := (e.off - len(e.prefix)) % len(e.unit)
		c := copy(p[n:], e.unit[i:])
		n += c
		e.off = len(e.prefix) + (i+c)%len(e.unit)
	}
	return n, nil
}

// addHostileHeaders adds h's headers.
func addHostileHeaders(hdr http.Header, h Hostile) {
	if h == HostileHugeHeaders {
		hdr.Set("X-Fakeindex-Huge", strings.Repeat("h", 11<<20))
		return
	}
	filler := strings.Repeat("f", 64)
	for i := range 2000 {
		hdr.Set(fmt.Sprintf("X-Fakeindex-Filler-%04d", i), filler)
	}
}

// The pages of the upload switches.
const (
	siteHead = "<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n    <meta charset=\"utf-8\">\n    <title>Example Corp</title>\n  </head>\n  <body>\n"

	// siteHomePage is a company's home page, served for any path.
	siteHomePage = siteHead + `    <header><a href="/">Example Corp</a> <nav><a href="/products">Products</a> <a href="/about">About</a></nav></header>
    <main>
      <h1>Welcome to Example Corp</h1>
      <p>We build things.</p>
    </main>
  </body>
</html>
`

	// loginPage is a single sign-on proxy's login page, which a browser
	// would follow to the identity provider.
	loginPage = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta http-equiv="refresh" content="0; url=https://sso.example/login?next=%2Flegacy%2F">
    <title>Sign in</title>
  </head>
  <body>
    <h1>Sign in to continue</h1>
    <form method="post" action="https://sso.example/login">
      <input type="hidden" name="next" value="/legacy/">
      <label>Username <input name="username"></label>
      <label>Password <input name="password" type="password"></label>
      <button type="submit">Sign in</button>
    </form>
    <p>You are being redirected&hellip; <a href="https://sso.example/login?next=%2Flegacy%2F">continue</a></p>
  </body>
</html>
`
)
