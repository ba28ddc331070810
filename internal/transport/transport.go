package transport

import (
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Options configure the client built by [NewClient].
type Options struct {
	UserAgent string       // sent on every request
	Logger    *slog.Logger // debug log of requests; nil logs nothing
	// RootCAs verify the servers (--cert and the other CA bundles); nil
	// uses the system roots, where Go's SSL_CERT_FILE and SSL_CERT_DIR
	// apply.
	RootCAs *x509.CertPool
	// ClientCert is sent whenever a server asks for a client certificate
	// (--client-cert); nil sends none.
	ClientCert *tls.Certificate
	// Retry retries idempotent requests (GET, HEAD, OPTIONS) on network
	// errors and [Temporary] statuses. Uploads use a client without it:
	// pkg/upload retries them itself, rebuilding the streamed body
	// (CONTRIBUTING.md C10).
	Retry bool
	// Timeout is the inactivity timeout of every request ([NewTimeout]):
	// how long no byte may move in either direction, while the request is
	// sent and while its answer is read. 0: none (beyond the dial's and
	// the TLS handshake's 30 s), as for the upload client, which
	// pkg/upload bounds itself (its limit depends on the file's size).
	Timeout time.Duration
	// Limit is the overall limit of each request (of each try, under
	// Retry); 0: none. cmd/pyupload gives small calls [CallLimit].
	Limit time.Duration
	// Pool is the connection pool to send through ([NewPool]), so that a
	// run's clients share connections: the lookups' connection carries the
	// first upload, and a TLS handshake is made once per connection. nil:
	// a pool of the client's own.
	Pool *http.Transport
}

// NewPool returns the connection pool of a run: a clone of
// http.DefaultTransport with explicit timeouts and the TLS options of o.
// It keeps up to idlePerHost connections per host open between requests
// (at least Go's default of 2), so that every upload worker keeps its
// own connection for the whole batch instead of closing it and dialling
// (and handshaking) again. It speaks HTTP/1.1 only: each worker then has
// a TCP connection of its own, with its own congestion window, as
// twine's requests have, instead of every upload sharing one HTTP/2
// connection and its flow-control windows, which throttle large uploads
// on long round trips. TLS sessions are cached, so a new connection to a
// host resumes rather than repeats the full handshake.
func NewPool(o Options, idlePerHost int) *http.Transport {
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	base.TLSHandshakeTimeout = 30 * time.Second
	base.ExpectContinueTimeout = time.Second
	base.WriteBufferSize = 256 << 10 // uploads stream large bodies; fewer, larger writes
	base.ReadBufferSize = 64 << 10
	base.MaxIdleConnsPerHost = max(idlePerHost, 2)
	base.ForceAttemptHTTP2 = false
	base.Protocols = new(http.Protocols)
	base.Protocols.SetHTTP1(true)
	base.TLSClientConfig = tlsConfig(o.RootCAs, o.ClientCert)
	base.TLSClientConfig.ClientSessionCache = tls.NewLRUClientSessionCache(64)
	// Dialled here so that a body can write itself into the connection
	// (bodyconn.go); http.Transport's own TLS options above are then unused.
	base.DialTLSContext = dialTLS(base.DialContext, base.TLSClientConfig)
	return base
}

// NewClient builds an *http.Client of a run: its pool (Options.Pool, or
// one of its own from [NewPool]), then, from the inside out, TLS errors made final ([TLSError]), the
// inactivity timeout and limit ([NewTimeout], when Options.Timeout is
// set), logging, retry and the User-Agent. The client never follows redirects: a redirect could
// carry credentials to another host, and the index's upload endpoint never
// redirects a correct URL.
func NewClient(o Options) *http.Client {
	base := o.Pool
	if base == nil {
		base = NewPool(o, 0)
	}
	var rt http.RoundTripper = &tlsErrors{inner: base}
	if o.Timeout > 0 {
		rt = NewTimeout(rt, o.Timeout, o.Limit)
	}
	if o.Logger != nil {
		rt = NewLogger(rt, o.Logger)
	}
	if o.Retry {
		rt = NewRetry(rt, DefaultBackoff, 4)
	}
	rt = NewUserAgent(rt, o.UserAgent)
	return &http.Client{
		Transport: rt,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// RoundTripperFunc adapts a function to http.RoundTripper (for tests and
// small adapters).
type RoundTripperFunc func(*http.Request) (*http.Response, error)

// RoundTrip calls f.
func (f RoundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type userAgent struct {
	inner http.RoundTripper
	ua    string
}

var _ http.RoundTripper = (*userAgent)(nil)

// NewUserAgent sets the User-Agent header (the index stores it as
// uploaded_via).
func NewUserAgent(inner http.RoundTripper, ua string) http.RoundTripper {
	return &userAgent{inner: inner, ua: ua}
}

func (t *userAgent) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.ua == "" {
		return t.inner.RoundTrip(req)
	}
	req = req.Clone(req.Context())
	req.Header.Set("User-Agent", t.ua)
	return t.inner.RoundTrip(req)
}
