package tuf

import "time"

// Canonical exposes the canonical JSON encoder to the tests.
var Canonical = canonical

// ParseMetadata reads data as metadata of role (root, timestamp, snapshot
// or targets), as the client does before verifying it.
func ParseMetadata(role string, data []byte) error {
	var err error
	switch role {
	case RoleRoot:
		_, _, err = parseRoot("fuzz", data)
	case RoleTargets:
		var t targetsJSON
		_, err = parseMetadata("fuzz", role, data, &t)
	default:
		var m metaJSON
		_, err = parseMetadata("fuzz", role, data, &m)
	}
	return err
}

// SelfSigned reads root metadata and counts the valid signatures on it by
// its own root keys.
func SelfSigned(data []byte) (version int64, expires time.Time, valid, threshold int, err error) {
	root, env, err := parseRoot("root.json", data)
	if err != nil {
		return 0, time.Time{}, 0, 0, err
	}
	rl := root.Roles[RoleRoot]
	valid = countSignatures(env.canonical, env.sigs, root.Keys, rl.KeyIDs)
	return root.Version, root.Expires, valid, rl.Threshold, nil
}

// Expired reports whether the root expired at now, as the client checks it.
func Expired(data []byte, now time.Time) (bool, error) {
	root, _, err := parseRoot("root.json", data)
	if err != nil {
		return false, err
	}
	return checkExpiry(RoleRoot, &root.commonJSON, now) != nil, nil
}

// Verify reports whether sig (hex) is a valid signature of msg by the key
// described by keytype, scheme and public, as the client reads keys.
func Verify(keytype, scheme, public string, msg []byte, sig string) bool {
	var k keyJSON
	k.KeyType, k.Scheme, k.KeyVal.Public = keytype, scheme, public
	pub := parseKey(k)
	return pub != nil && pub.verify(msg, sig)
}
