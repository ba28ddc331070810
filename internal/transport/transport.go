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
}

// NewClient builds an *http.Client of a run: a clone of
// http.DefaultTransport with explicit timeouts and the TLS options, then,
// from the inside out, TLS errors made final ([TLSError]), the
// inactivity timeout and limit ([NewTimeout], when Options.Timeout is
// set), logging, retry and the User-Agent. The client never follows redirects: a redirect could
// carry credentials to another host, and the index's upload endpoint never
// redirects a correct URL.
func NewClient(o Options) *http.Client {
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	base.TLSHandshakeTimeout = 30 * time.Second
	base.ExpectContinueTimeout = time.Second
	base.WriteBufferSize = 256 << 10 // uploads stream large bodies; fewer, larger writes
	base.TLSClientConfig = tlsConfig(o.RootCAs, o.ClientCert)
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
