// Package transport holds the HTTP plumbing shared by the network stages of
// pyupload's pipeline: pkg/oidc, pkg/mint and pkg/upload.
//
// [NewClient] builds an *http.Client from [Options]: a clone of
// http.DefaultTransport with explicit timeouts and the TLS roots and
// client certificate (its TLS connections dialled by [NewPool] itself, so
// that a request body implementing io.WriterTo writes itself into the
// connection instead of being copied through a buffer), wrapped, from the inside out, by a layer that makes
// TLS failures final ([TLSError]), [NewTimeout] (when Options.Timeout is
// set), [NewLogger] (when a logger is given), [NewRetry] (when
// Options.Retry is set) and [NewUserAgent]. The client never follows
// redirects. cmd/pyupload builds the clients and hands them to the stages:
// one without the retry and timeout layers for uploads, which pkg/upload
// retries and bounds itself with a rebuilt body, and one with them for the
// CI's token endpoints, the token exchange and the index's read APIs.
// Each RoundTripper clones a request before changing it;
// [RoundTripperFunc] adapts a function for tests.
//
// Every exchange is bounded the same way ([NewTimeout]): an inactivity
// timeout (no byte moved in either direction for that long, while the
// request is sent and while its answer, headers and body, is read) and an
// overall limit ([CallLimit] for small calls; pkg/upload's depends on the
// file's size). Either ends the exchange with a [*TimeoutError] naming the
// server, which the stages retry like other network failures. A caller's
// own limit on a whole call ([WithLimit]) says the same.
//
// The package also holds the rules the stages share: which statuses are
// worth a retry ([Temporary]) and which errors never are ([IsTLSError]), the backoff ([Exponential],
// [DefaultBackoff]), a wait that ends with its context ([Sleep]), the
// server's Retry-After ([RetryAfter]), where plain http may carry
// credentials ([IsLoopback]), and how to print a URL without its secrets
// ([Redact]).
package transport
