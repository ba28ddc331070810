package tuf

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"time"
)

// Target runs the client workflow (see the package documentation) and
// returns the bytes of the top-level target name, e.g. "trusted_root.json",
// once its length and hashes match the verified targets metadata.
func (c *Client) Target(ctx context.Context, name string) ([]byte, error) {
	if err := checkTargetName(name); err != nil {
		return nil, err
	}
	now := c.opts.now()
	root, err := c.updateRoot(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("updating the TUF root: %w", err)
	}
	ts, err := c.timestamp(ctx, root, now)
	if err != nil {
		return nil, fmt.Errorf("updating the TUF timestamp: %w", err)
	}
	snap, err := c.snapshot(ctx, root, ts, now)
	if err != nil {
		return nil, fmt.Errorf("updating the TUF snapshot: %w", err)
	}
	targets, err := c.targets(ctx, root, snap, now)
	if err != nil {
		return nil, fmt.Errorf("updating the TUF targets: %w", err)
	}
	data, err := c.target(ctx, root, targets, name)
	if err != nil {
		return nil, fmt.Errorf("fetching TUF target %s: %w", name, err)
	}
	return data, nil
}

// updateRoot walks the repository's roots from the trusted one (§5.3) and
// returns the newest, checked not to have expired.
func (c *Client) updateRoot(ctx context.Context, now time.Time) (*rootJSON, error) {
	trusted := c.root
	for range c.opts.limits.RootRotations {
		next, err := c.nextRoot(ctx, trusted)
		if e, ok := errors.AsType[*HTTPError](err); ok && e.NotFound() {
			break // no newer root
		}
		if err != nil {
			return nil, err
		}
		trusted = next
	}
	if err := checkExpiry(RoleRoot, &trusted.commonJSON, now); err != nil {
		return nil, err
	}
	return trusted, nil
}

// nextRoot fetches and verifies the root after trusted: signed by a
// threshold of trusted's root keys and of its own, with version N+1.
func (c *Client) nextRoot(ctx context.Context, trusted *rootJSON) (*rootJSON, error) {
	want := trusted.Version + 1
	file := fmt.Sprintf("%d.root.json", want)
	data, err := c.fetch(ctx, c.metadataURL, file, c.opts.limits.Root)
	if err != nil {
		return nil, err
	}
	root, env, err := parseRoot(file, data)
	if err != nil {
		return nil, err
	}
	if err := trusted.verifyRole(RoleRoot, root.Version, env, trusted.name()); err != nil {
		return nil, err
	}
	if err := root.verifyRole(RoleRoot, root.Version, env, "itself"); err != nil {
		return nil, err
	}
	if root.Version != want {
		return nil, &VersionError{Role: RoleRoot, Got: root.Version, Want: want}
	}
	return root, nil
}

// timestamp fetches and verifies timestamp.json (§5.4).
func (c *Client) timestamp(ctx context.Context, root *rootJSON, now time.Time) (*metaJSON, error) {
	const file = "timestamp.json"
	data, err := c.fetch(ctx, c.metadataURL, file, c.opts.limits.Timestamp)
	if err != nil {
		return nil, err
	}
	var ts metaJSON
	env, err := parseMetadata(file, RoleTimestamp, data, &ts)
	if err != nil {
		return nil, err
	}
	if err := root.verifyRole(RoleTimestamp, ts.Version, env, root.name()); err != nil {
		return nil, err
	}
	if err := checkExpiry(RoleTimestamp, &ts.commonJSON, now); err != nil {
		return nil, err
	}
	if _, ok := ts.Meta["snapshot.json"]; !ok {
		return nil, &FormatError{File: file, Reason: "no snapshot.json in meta"}
	}
	return &ts, nil
}

// snapshot fetches and verifies the snapshot the timestamp names (§5.5).
func (c *Client) snapshot(ctx context.Context, root *rootJSON, ts *metaJSON, now time.Time) (*metaJSON, error) {
	want := ts.Meta["snapshot.json"]
	snap, err := c.fetchMeta(ctx, root, RoleSnapshot, want, c.opts.limits.Snapshot, now)
	if err != nil {
		return nil, err
	}
	if _, ok := snap.Meta["targets.json"]; !ok {
		return nil, &FormatError{File: c.metaFile(root, RoleSnapshot, want.Version), Reason: "no targets.json in meta"}
	}
	return snap, nil
}

// targets fetches and verifies the top-level targets metadata the snapshot
// names (§5.6).
func (c *Client) targets(ctx context.Context, root *rootJSON, snap *metaJSON, now time.Time) (*targetsJSON, error) {
	want := snap.Meta["targets.json"]
	file := c.metaFile(root, RoleTargets, want.Version)
	data, err := c.fetchChecked(ctx, file, want, c.opts.limits.Targets)
	if err != nil {
		return nil, err
	}
	var targets targetsJSON
	env, err := parseMetadata(file, RoleTargets, data, &targets)
	if err != nil {
		return nil, err
	}
	if err := c.checkSigned(root, RoleTargets, &targets.commonJSON, env, want.Version, now); err != nil {
		return nil, err
	}
	return &targets, nil
}

// fetchMeta fetches and verifies the metadata of role (the snapshot) that
// want, its entry in the referring metadata, describes.
func (c *Client) fetchMeta(ctx context.Context, root *rootJSON, role string, want metaFileJSON, limit int64, now time.Time) (*metaJSON, error) {
	file := c.metaFile(root, role, want.Version)
	data, err := c.fetchChecked(ctx, file, want, limit)
	if err != nil {
		return nil, err
	}
	var m metaJSON
	env, err := parseMetadata(file, role, data, &m)
	if err != nil {
		return nil, err
	}
	if err := c.checkSigned(root, role, &m.commonJSON, env, want.Version, now); err != nil {
		return nil, err
	}
	return &m, nil
}

// checkSigned checks, in the specification's order, the signatures, the
// version the referring metadata names, and the expiry.
func (c *Client) checkSigned(root *rootJSON, role string, h *commonJSON, env *envelope, version int64, now time.Time) error {
	if err := root.verifyRole(role, h.Version, env, root.name()); err != nil {
		return err
	}
	if h.Version != version {
		return &VersionError{Role: role, Got: h.Version, Want: version}
	}
	return checkExpiry(role, h, now)
}

func (c *Client) metaFile(root *rootJSON, role string, version int64) string {
	if root.ConsistentSnapshot {
		return fmt.Sprintf("%d.%s.json", version, role)
	}
	return role + ".json"
}

// fetchChecked downloads a metadata file and checks the length and hashes
// its referrer gives, if any, before anything reads it.
func (c *Client) fetchChecked(ctx context.Context, file string, want metaFileJSON, limit int64) ([]byte, error) {
	if want.Length != nil {
		if *want.Length < 0 {
			return nil, &FormatError{File: file, Reason: "negative length in meta"}
		}
		limit = min(limit, *want.Length)
	}
	data, err := c.fetch(ctx, c.metadataURL, file, limit)
	if err != nil {
		return nil, err
	}
	if want.Length != nil {
		if err := checkLength(file, data, *want.Length); err != nil {
			return nil, err
		}
	}
	if _, err := checkHashes(file, data, want.Hashes); err != nil {
		return nil, err
	}
	return data, nil
}

// target downloads a target listed in targets and checks its length and
// hashes (§5.7).
func (c *Client) target(ctx context.Context, root *rootJSON, targets *targetsJSON, name string) ([]byte, error) {
	info, ok := targets.Targets[name]
	if !ok {
		return nil, fmt.Errorf("%q in targets version %d: %w", name, targets.Version, ErrTargetNotFound)
	}
	if info.Length == nil || *info.Length < 0 {
		return nil, &FormatError{File: name, Reason: "no length in targets"}
	}
	length := *info.Length
	if length > c.opts.limits.Target {
		return nil, &TooLargeError{File: name, Limit: c.opts.limits.Target}
	}
	file := name
	if root.ConsistentSnapshot {
		hash, ok := info.Hashes["sha256"]
		if !ok {
			hash, ok = info.Hashes["sha512"]
		}
		if _, err := hex.DecodeString(hash); !ok || err != nil || hash == "" {
			return nil, &FormatError{File: name, Reason: "no hex sha256 or sha512 hash in targets"}
		}
		dir, base := path.Split(name)
		file = dir + hash + "." + base
	}
	data, err := c.fetch(ctx, c.targetsURL, file, length)
	if err != nil {
		return nil, err
	}
	if err := checkLength(name, data, length); err != nil {
		return nil, err
	}
	n, err := checkHashes(name, data, info.Hashes)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, &FormatError{File: name, Reason: "no sha256 or sha512 hash in targets"}
	}
	return data, nil
}
