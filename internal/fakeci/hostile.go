package fakeci

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pyupload/pyupload/internal/answermeter"
)

// Hostile is one hostile behaviour of a fake CI endpoint, so that tests
// can check the client survives a broken or malicious identity endpoint
// (docs/test-index.md, "Hostile mode"). Every switch is off by default;
// switch them on with SetHostile on [GitHubActions] or [GCPMetadata]
// (cmd/fakeindex: -ci-hostile name,name for its GitHub endpoint). When
// several are on, the first in this list decides.
type Hostile string

const (
	// HostileHang takes the request and never answers, until the client
	// goes away or Close.
	HostileHang Hostile = "hang"
	// HostileDrip sends a 200's headers, then the start of the answer
	// one byte every drip interval (SetDripInterval), forever: until the
	// client goes away or Close, which drops the connection.
	HostileDrip Hostile = "drip"
	// HostileTokenNewlines answers with a properly signed identity token
	// followed by [TokenInjection]: lines that, were the token written to
	// $GITHUB_ENV or a log unchecked, would set BASH_ENV for later steps
	// and turn off the runner's workflow commands.
	HostileTokenNewlines Hostile = "token-newlines"
	// HostileTokenGarbage answers with [GarbageToken] instead of an
	// identity token.
	HostileTokenGarbage Hostile = "token-garbage"
)

// TokenInjection is what [HostileTokenNewlines] appends to a token.
const TokenInjection = "\nBASH_ENV=./evil.sh\n::stop-commands::pwned\nPYUPLOAD_PWNED=1" // #nosec G101 -- an attack on logs, not a credential

// GarbageToken is what [HostileTokenGarbage] answers: three dot-separated
// parts like a JWT's, carrying a workflow command on a line of its own,
// ANSI CSI and OSC escapes, a C1 control and a right-to-left override,
// and nothing a JWT decoder can read.
const GarbageToken = "eyJhbGciOiJub25lIn0.\x1b]0;pwned\x07\x1b[31m" + // #nosec G101 -- garbage, not a credential
	"\n::error::pwned\n\u009b0m.\u202edecnwp"

// hostileOrder is every switch, in the order that decides.
var hostileOrder = []Hostile{HostileHang, HostileDrip, HostileTokenNewlines, HostileTokenGarbage}

// HostileNames returns the names [ParseHostile] accepts, in the order of
// precedence.
func HostileNames() []string {
	names := make([]string, len(hostileOrder))
	for i, h := range hostileOrder {
		names[i] = string(h)
	}
	return names
}

// ParseHostile reads a comma-separated list of switch names (spaces around
// names ignored, empty items skipped), or returns an error naming the
// first unknown one.
func ParseHostile(list string) ([]Hostile, error) {
	var out []Hostile
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !slices.Contains(hostileOrder, Hostile(name)) {
			return nil, fmt.Errorf("fakeci: unknown hostile behaviour %q (known: %s)", name, strings.Join(HostileNames(), ", "))
		}
		out = append(out, Hostile(name))
	}
	return out, nil
}

// DefaultDripInterval is the pause between two bytes of a drip.
const DefaultDripInterval = time.Second

// HostileStats counts what one hostile switch has answered.
type HostileStats = answermeter.Stats

// hostility is the hostile switches of one fake endpoint; the endpoints
// embed it, so its exported methods are theirs.
type hostility struct {
	mu      sync.Mutex
	enabled map[Hostile]bool
	unknown Hostile
	drip    time.Duration
	meters  map[Hostile]*answermeter.Meter

	closeOnce sync.Once
	done      chan struct{}
}

func (h *hostility) init() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done == nil {
		h.done = make(chan struct{})
		h.enabled = map[Hostile]bool{}
		h.meters = map[Hostile]*answermeter.Meter{}
		for _, s := range hostileOrder {
			h.meters[s] = &answermeter.Meter{}
		}
	}
}

// SetHostile switches a hostile behaviour on or off, from the next request
// on. An unknown name switched on makes the endpoint answer every request
// with 500 naming it, so the test that set it fails at once.
func (h *hostility) SetHostile(s Hostile, on bool) {
	h.init()
	h.mu.Lock()
	defer h.mu.Unlock()
	if !slices.Contains(hostileOrder, s) {
		if on {
			h.unknown = s
		}
		return
	}
	h.enabled[s] = on
}

// HostileOn reports whether a hostile behaviour is on.
func (h *hostility) HostileOn(s Hostile) bool {
	h.init()
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.enabled[s]
}

// SetDripInterval sets the pause between two bytes of [HostileDrip]; zero
// or less means [DefaultDripInterval], the default.
func (h *hostility) SetDripInterval(d time.Duration) {
	h.init()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.drip = d
}

// HostileStats returns the counts of a hostile behaviour's answers.
func (h *hostility) HostileStats(s Hostile) HostileStats {
	h.init()
	return h.meters[s].Stats()
}

// WaitHostileDone waits until the behaviour has begun at least one answer
// and none is open any more (the client went away), and returns the
// counts then; or ctx's error, with the counts so far.
func (h *hostility) WaitHostileDone(ctx context.Context, s Hostile) (HostileStats, error) {
	return answermeter.WaitDone(ctx, func() HostileStats { return h.HostileStats(s) })
}

// Close ends hangs and drips in progress by dropping their connections,
// so that a server can shut down: call it before closing the server.
// Later hangs and drips end at once the same way. Close is idempotent.
func (h *hostility) Close() {
	h.init()
	h.closeOnce.Do(func() { close(h.done) })
}

// front answers a request when HostileHang or HostileDrip is on, or when
// an unknown name was switched on, and reports whether it did; dripped is
// the start of the answer a drip sends, in ctype.
func (h *hostility) front(w http.ResponseWriter, r *http.Request, ctype, dripped string) bool {
	h.init()
	h.mu.Lock()
	unknown, hang, drip := h.unknown, h.enabled[HostileHang], h.enabled[HostileDrip]
	interval := h.drip
	h.mu.Unlock()
	switch {
	case unknown != "":
		http.Error(w, fmt.Sprintf("fakeci: unknown hostile behaviour %q (known: %s)", unknown, strings.Join(HostileNames(), ", ")), http.StatusInternalServerError)
		return true
	case hang:
		m := h.meters[HostileHang]
		defer m.Begin()()
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-h.done:
			panic(http.ErrAbortHandler)
		}
		return true
	case drip:
		if interval <= 0 {
			interval = DefaultDripInterval
		}
		h.dripAnswer(w, r, ctype, dripped, interval)
		return true
	}
	return false
}

// dripAnswer sends a 200's headers, then prefix one byte per interval
// and 'A's after it, forever.
func (h *hostility) dripAnswer(w http.ResponseWriter, r *http.Request, ctype, prefix string, interval time.Duration) {
	m := h.meters[HostileDrip]
	defer m.Begin()()
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(http.StatusOK)
	if rc.Flush() != nil {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-r.Context().Done():
			return
		case <-h.done:
			panic(http.ErrAbortHandler)
		case <-t.C:
		}
		b := byte('A')
		if i < len(prefix) {
			b = prefix[i]
		}
		if _, err := w.Write([]byte{b}); err != nil || rc.Flush() != nil {
			return
		}
		m.Wrote(1)
	}
}

// hostileToken is what the endpoint hands out for a signed identity token tok:
// tok, or the hostile version of it.
func (h *hostility) hostileToken(tok string) string {
	h.init()
	h.mu.Lock()
	newlines, garbage := h.enabled[HostileTokenNewlines], h.enabled[HostileTokenGarbage]
	h.mu.Unlock()
	switch {
	case newlines:
		h.meters[HostileTokenNewlines].Count()
		return tok + TokenInjection
	case garbage:
		h.meters[HostileTokenGarbage].Count()
		return GarbageToken
	}
	return tok
}
