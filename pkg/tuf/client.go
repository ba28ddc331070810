package tuf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The default [Limits]: generous for Sigstore's repository, whose root is
// about 7 KB, timestamp 1 KB, snapshot and targets a few KB, and
// trusted_root.json some tens of KB.
const (
	DefaultMaxRootSize      = 512 << 10
	DefaultMaxTimestampSize = 16 << 10
	DefaultMaxSnapshotSize  = 2 << 20
	DefaultMaxTargetsSize   = 5 << 20
	DefaultMaxTargetSize    = 16 << 20
	DefaultRootRotations    = 256
	DefaultTimeout          = 30 * time.Second
)

// Limits bounds what the client downloads. A zero field takes its default
// (the Default… constants).
type Limits struct {
	Root      int64 // bytes of one root.json
	Timestamp int64 // bytes of timestamp.json
	Snapshot  int64 // bytes of the snapshot, when the timestamp gives no length
	Targets   int64 // bytes of the targets metadata, when the snapshot gives no length
	Target    int64 // bytes of a target (its length comes from the targets metadata)
	// RootRotations is how many new roots one update may walk through.
	RootRotations int
}

func (l Limits) withDefaults() Limits {
	l.Root = orDefault(l.Root, DefaultMaxRootSize)
	l.Timestamp = orDefault(l.Timestamp, DefaultMaxTimestampSize)
	l.Snapshot = orDefault(l.Snapshot, DefaultMaxSnapshotSize)
	l.Targets = orDefault(l.Targets, DefaultMaxTargetsSize)
	l.Target = orDefault(l.Target, DefaultMaxTargetSize)
	if l.RootRotations == 0 {
		l.RootRotations = DefaultRootRotations
	}
	return l
}

func orDefault(v, d int64) int64 {
	if v == 0 {
		return d
	}
	return v
}

// Repository is a TUF repository and the root.json the client trusts for
// it. [Production] and [Staging] return Sigstore's.
type Repository struct {
	MetadataURL string // where root, timestamp, snapshot and targets metadata live
	TargetsURL  string // where targets live
	Root        []byte // the trusted root.json
}

// Option configures a [Client].
type Option func(*options) error

type options struct {
	now     func() time.Time
	timeout time.Duration
	limits  Limits
}

// WithClock sets the clock that expiry is checked against; it is read once
// per [Client.Target]. The default is [time.Now].
func WithClock(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return errors.New("tuf: WithClock(nil)")
		}
		o.now = now
		return nil
	}
}

// WithTimeout bounds each download (headers and body). The default is
// [DefaultTimeout].
func WithTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("tuf: WithTimeout(%v): the timeout must be positive", d)
		}
		o.timeout = d
		return nil
	}
}

// WithLimits bounds the sizes of downloads and the number of root
// rotations. Zero fields keep their defaults. The default is the Default…
// constants.
func WithLimits(l Limits) Option {
	return func(o *options) error {
		if l.Root < 0 || l.Timestamp < 0 || l.Snapshot < 0 || l.Targets < 0 || l.Target < 0 || l.RootRotations < 0 {
			return fmt.Errorf("tuf: WithLimits(%+v): limits cannot be negative", l)
		}
		o.limits = l.withDefaults()
		return nil
	}
}

// Client fetches verified targets from one TUF repository. It keeps no
// state between calls: each [Client.Target] starts from the trusted root
// given to [New]. It is safe for concurrent use.
type Client struct {
	http        *http.Client
	metadataURL *url.URL
	targetsURL  *url.URL
	root        *rootJSON
	opts        options
}

// New returns a client of repo that downloads with client. It checks that
// repo.Root is well-formed root metadata (it is trusted as given: its
// signatures are not checked, and it may have expired, as long as the
// repository has a newer root).
func New(client *http.Client, repo Repository, opts ...Option) (*Client, error) {
	if client == nil {
		return nil, errors.New("tuf: New needs an *http.Client")
	}
	o := options{now: time.Now, timeout: DefaultTimeout, limits: Limits{}.withDefaults()}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	metadataURL, err := baseURL(repo.MetadataURL)
	if err != nil {
		return nil, fmt.Errorf("reading the metadata URL: %w", err)
	}
	targetsURL, err := baseURL(repo.TargetsURL)
	if err != nil {
		return nil, fmt.Errorf("reading the targets URL: %w", err)
	}
	root, _, err := parseRoot("trusted root.json", repo.Root)
	if err != nil {
		return nil, fmt.Errorf("reading the trusted root: %w", err)
	}
	return &Client{http: client, metadataURL: metadataURL, targetsURL: targetsURL, root: root, opts: o}, nil
}

func baseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("tuf: %q is not an http(s) base URL", s)
	}
	return u, nil
}

// fetch downloads file under base, reading at most limit bytes.
func (c *Client) fetch(ctx context.Context, base *url.URL, file string, limit int64) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.JoinPath(file).String(), nil)
	if err != nil {
		return nil, fmt.Errorf("downloading %s: %w", file, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("downloading %s: %w", file, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return nil, &HTTPError{File: file, StatusCode: resp.StatusCode}
	}
	if resp.ContentLength > limit {
		return nil, &TooLargeError{File: file, Limit: limit}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("downloading %s: %w", file, err)
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{File: file, Limit: limit}
	}
	return data, nil
}

// checkTargetName refuses names that would leave the targets URL's tree or
// that no repository lists: empty, absolute, with empty, "." or ".."
// segments, backslashes or control characters.
func checkTargetName(name string) error {
	if name == "" || len(name) > 1024 || strings.ContainsAny(name, "\\\x00") {
		return fmt.Errorf("tuf: invalid target name %q", name)
	}
	for seg := range strings.SplitSeq(name, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("tuf: invalid target name %q", name)
		}
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("tuf: invalid target name %q", name)
		}
	}
	return nil
}
