package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"time"
)

// Why the pool dials TLS itself: http.Transport sends a request's body
// with io.Copy into the connection, through a 32 KiB buffer, and behind an
// io.LimitedReader of the Content-Length that hides whatever the body can
// do better. The connections dialled here see through that reader: a body
// that can write itself (io.WriterTo, as pkg/upload's file part does from
// a memory map) hands its bytes to the TLS encryption directly, and the
// copy through the buffer, a tenth of a large upload's CPU, is gone. The
// bytes, the records and the handshake are those http.Transport would
// make.

// handshakeTimeout bounds the TLS handshake, as http.Transport's
// TLSHandshakeTimeout does for the connections it dials itself.
const handshakeTimeout = 30 * time.Second

// errHandshakeTimeout reads as http.Transport's own, and is a timeout
// (net.Error) as that one is.
var errHandshakeTimeout error = handshakeTimeoutError{}

type handshakeTimeoutError struct{}

func (handshakeTimeoutError) Error() string   { return "net/http: TLS handshake timeout" }
func (handshakeTimeoutError) Timeout() bool   { return true }
func (handshakeTimeoutError) Temporary() bool { return true }

// dialTLS returns the pool's DialTLSContext: dial's TCP connection under a
// TLS client of config (its ServerName the address's host when unset, as
// http.Transport sets it), handshaken within handshakeTimeout.
func dialTLS(dial func(ctx context.Context, network, addr string) (net.Conn, error), config *tls.Config) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		raw, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		cfg := config.Clone()
		if cfg.ServerName == "" {
			host, _, splitErr := net.SplitHostPort(addr)
			if splitErr != nil {
				host = addr
			}
			cfg.ServerName = host
		}
		tc := tls.Client(raw, cfg)
		hsCtx, cancel := context.WithTimeout(ctx, handshakeTimeout)
		defer cancel()
		if err := tc.HandshakeContext(hsCtx); err != nil {
			_ = raw.Close()
			if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
				return nil, errHandshakeTimeout
			}
			return nil, err
		}
		return &bodyConn{Conn: tc}, nil
	}
}

// bodyConn is a TLS connection that lets a request's body write itself.
// http.Transport keeps the TLS state of the connections it dials itself
// only, so a response through it has no Response.TLS (nothing here reads
// it).
type bodyConn struct {
	*tls.Conn
}

// ReadFrom is how http.Transport sends a body (io.Copy finds it). When r
// is the transport's io.LimitedReader around a body that implements
// io.WriterTo, the body writes itself, at most the limit; otherwise the
// bytes are copied as io.Copy would.
func (c *bodyConn) ReadFrom(r io.Reader) (int64, error) {
	if lr, ok := r.(*io.LimitedReader); ok {
		if wt, ok := lr.R.(io.WriterTo); ok {
			lw := &limitedWriter{w: c.Conn, left: lr.N}
			n, err := wt.WriteTo(lw)
			lr.N -= n
			return n, err
		}
	}
	return io.Copy(c.Conn, r)
}

// limitedWriter writes at most left bytes, as the io.LimitedReader it
// replaces read at most that many.
type limitedWriter struct {
	w    io.Writer
	left int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) <= l.left {
		n, err := l.w.Write(p)
		l.left -= int64(n)
		return n, err
	}
	n, err := l.w.Write(p[:l.left])
	l.left -= int64(n)
	if err == nil {
		err = errBodyTooLong
	}
	return n, err
}

// errBodyTooLong is a body that wrote past its Content-Length.
var errBodyTooLong = errors.New("transport: the request's body is longer than its Content-Length")
