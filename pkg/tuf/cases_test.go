package tuf_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/pkg/tuf"
)

func successCases() []clientCase {
	return []clientCase{
		{name: "happy path"},
		{name: "no consistent snapshots", setup: func(f *fixture) { f.consistent = false }},
		{name: "target in a directory, with a space", setup: func(f *fixture) { f.targetName = "dir/sub/trusted root.json" },
			target: "dir/sub/trusted root.json"},
		{name: "root rotation over three versions", setup: func(f *fixture) { rotate(f) }},
		{name: "expired intermediate roots", setup: func(f *fixture) {
			rotate(f)
			f.roots[0].expires = refTime.Add(-time.Hour)
			f.roots[1].expires = refTime.Add(-time.Hour)
		}},
		{name: "hex and compat ECDSA keys", setup: func(f *fixture) {
			f.roots[0] = withRoles(f.roots[0], map[string]role{
				"timestamp": {[]*testKey{newECDSAKey(f.tb, compatKeyTyp)}, 1},
				"snapshot":  {[]*testKey{newECDSAKey(f.tb, hexPKIX)}, 1},
				"targets":   {[]*testKey{newECDSAKey(f.tb, hexPoint)}, 1},
			}, f.roots[0].signers...)
		}},
		{name: "an unknown key type listed beside a known one", setup: func(f *fixture) {
			ts := f.roots[0].roles["timestamp"].keys[0]
			f.roots[0] = withRoles(f.roots[0], map[string]role{"timestamp": {[]*testKey{unknownKey(f.tb), ts}, 1}}, f.roots[0].signers...)
			f.signTimestamp = []*testKey{f.roots[0].roles["timestamp"].keys[0], ts}
		}},
		{name: "threshold 2 of 3", setup: func(f *fixture) {
			keys := []*testKey{newEd25519Key(f.tb), newECDSAKey(f.tb, pemKey), newEd25519Key(f.tb)}
			f.roots[0] = withRoles(f.roots[0], map[string]role{"targets": {keys, 2}}, f.roots[0].signers...)
			f.signTargets = keys[1:]
		}},
		{name: "a redundant root version walk ends at 404", setup: func(f *fixture) { sameKeyRoots(f) }},
		{name: "a 403 ends the root walk too", wrap: onPath("/meta/2.root.json", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "denied", http.StatusForbidden)
		})},
	}
}

func signatureCases() []clientCase {
	return []clientCase{
		{name: "bad timestamp signature", setup: func(f *fixture) {
			f.signTimestamp = []*testKey{forged(f.tb, f.roots[0].roles["timestamp"].keys[0])}
		}, check: isThreshold("timestamp", "root version 1", 0)},
		{name: "bad targets signature", setup: func(f *fixture) {
			f.signTargets = []*testKey{forged(f.tb, f.roots[0].roles["targets"].keys[0])}
		}, check: isThreshold("targets", "root version 1", 0)},
		{name: "snapshot signed by the targets key", setup: func(f *fixture) {
			f.signSnapshot = f.roots[0].roles["targets"].keys
		}, check: isThreshold("snapshot", "root version 1", 0)},
		{name: "threshold not met", setup: func(f *fixture) {
			keys := []*testKey{newEd25519Key(f.tb), newECDSAKey(f.tb, pemKey)}
			f.roots[0] = withRoles(f.roots[0], map[string]role{"targets": {keys, 2}}, f.roots[0].signers...)
			f.signTargets = keys[:1]
		}, check: isThreshold("targets", "root version 1", 1)},
		{name: "a key signing twice counts once", setup: func(f *fixture) {
			keys := []*testKey{newEd25519Key(f.tb), newECDSAKey(f.tb, pemKey)}
			f.roots[0] = withRoles(f.roots[0], map[string]role{"targets": {keys, 2}}, f.roots[0].signers...)
			f.signTargets = []*testKey{keys[0], keys[0]}
		}, check: isThreshold("targets", "root version 1", 1)},
		{name: "a key under two key IDs counts once", setup: func(f *fixture) {
			k := newECDSAKey(f.tb, pemKey)
			keys := []*testKey{k, alias(k)}
			f.roots[0] = withRoles(f.roots[0], map[string]role{"snapshot": {keys, 2}}, f.roots[0].signers...)
			f.signSnapshot = keys
		}, check: isThreshold("snapshot", "root version 1", 1)},
		{name: "unknown key types do not count", setup: func(f *fixture) {
			ts := f.roots[0].roles["timestamp"].keys[0]
			u := unknownKey(f.tb)
			f.roots[0] = withRoles(f.roots[0], map[string]role{"timestamp": {[]*testKey{u, ts}, 2}}, f.roots[0].signers...)
			f.signTimestamp = []*testKey{u, ts}
		}, check: isThreshold("timestamp", "root version 1", 1)},
		{name: "a signature by a key outside the role", setup: func(f *fixture) {
			f.signTimestamp = []*testKey{newEd25519Key(f.tb)}
		}, check: isThreshold("timestamp", "root version 1", 0)},
		{name: "timestamp signed by the rotated-out key", setup: func(f *fixture) {
			old, _ := rotate(f)
			f.signTimestamp = []*testKey{old}
		}, check: isThreshold("timestamp", "root version 3", 0)},
		{name: "root walk bounded", setup: func(f *fixture) { rotate(f) },
			opts:  []tuf.Option{tuf.WithLimits(tuf.Limits{RootRotations: 1})},
			check: isThreshold("timestamp", "root version 2", 0)},
	}
}

func rootCases() []clientCase {
	return []clientCase{
		{name: "new root not signed by the old root keys", setup: func(f *fixture) {
			b := newEd25519Key(f.tb)
			f.roots = append(f.roots, withRoles(f.roots[0], map[string]role{"root": {[]*testKey{b}, 1}}, b))
		}, check: isThreshold("root", "root version 1", 0)},
		{name: "new root not signed by its own keys", setup: func(f *fixture) {
			a := f.roots[0].roles["root"].keys[0]
			f.roots = append(f.roots, withRoles(f.roots[0], map[string]role{"root": {[]*testKey{newEd25519Key(f.tb)}, 1}}, a))
		}, check: isThreshold("root", "itself", 0)},
		{name: "new root short of the old threshold", setup: func(f *fixture) {
			rotate(f)
			v2 := f.roots[1]
			f.roots[2].signers = []*testKey{v2.roles["root"].keys[1], f.roots[2].roles["root"].keys[1]}
		}, check: isThreshold("root", "root version 2", 1)},
		{name: "skipped root version", setup: func(f *fixture) { sameKeyRoots(f) },
			after: func(f *fixture) {
				f.files["/meta/2.root.json"] = string(signFile(f.tb, rootSigned(3, f.roots[0], true), f.roots[0].signers...))
			}, check: isVersion("root", 3, 2)},
		{name: "rollback below the trusted root", setup: func(f *fixture) { sameKeyRoots(f); f.trusted = 3 },
			after: func(f *fixture) { f.files["/meta/4.root.json"] = f.files["/meta/2.root.json"] },
			check: func(err error) bool {
				return isVersion("root", 2, 4)(err) && strings.Contains(err.Error(), "version 2, want 4")
			}},
		{name: "expired root", setup: func(f *fixture) { f.roots[0].expires = refTime }, check: isExpired("root")},
		{name: "expired final root after rotation", setup: func(f *fixture) {
			rotate(f)
			f.roots[2].expires = refTime.Add(-time.Second)
		}, check: isExpired("root")},
		{name: "root of another type", after: func(f *fixture) {
			f.files["/meta/2.root.json"] = f.files["/meta/timestamp.json"]
		}, check: isFormat("2.root.json")},
		{name: "root walk fails on a server error", wrap: onPath("/meta/2.root.json", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "oops", http.StatusBadGateway)
		}), check: isHTTP("2.root.json", http.StatusBadGateway)},
	}
}

func chainCases() []clientCase {
	return []clientCase{
		{name: "expired timestamp", setup: func(f *fixture) { f.tsExpires = refTime.Add(-time.Minute) }, check: isExpired("timestamp")},
		{name: "expired snapshot", setup: func(f *fixture) { f.snapExpires = refTime }, check: isExpired("snapshot")},
		{name: "expired targets", setup: func(f *fixture) { f.targetsExpires = refTime.Add(-time.Minute) }, check: isExpired("targets")},
		{name: "snapshot version differs from the timestamp's", setup: func(f *fixture) {
			f.editSnapshot = func(m map[string]any) { m["version"] = 6 }
		}, check: isVersion("snapshot", 6, 5)},
		{name: "targets version differs from the snapshot's", setup: func(f *fixture) {
			f.editTargets = func(m map[string]any) { m["version"] = 6 }
		}, check: isVersion("targets", 6, 7)},
		{name: "snapshot hash differs from the timestamp's", setup: func(f *fixture) {
			f.editTimestamp = func(m map[string]any) {
				m["meta"].(map[string]any)["snapshot.json"].(map[string]any)["hashes"].(map[string]any)["sha512"] = strings.Repeat("00", 64)
			}
		}, check: isMismatch("5.snapshot.json", "sha512")},
		{name: "snapshot longer than the timestamp says", setup: func(f *fixture) {
			f.editTimestamp = func(m map[string]any) {
				sm := m["meta"].(map[string]any)["snapshot.json"].(map[string]any)
				sm["length"] = sm["length"].(int) - 1
			}
		}, check: isTooLarge("5.snapshot.json")},
		{name: "snapshot shorter than the timestamp says", setup: func(f *fixture) {
			f.editTimestamp = func(m map[string]any) {
				sm := m["meta"].(map[string]any)["snapshot.json"].(map[string]any)
				sm["length"] = sm["length"].(int) + 10
			}
		}, check: isMismatch("5.snapshot.json", "length")},
		{name: "targets hash differs from the snapshot's", setup: func(f *fixture) {
			f.editSnapshot = func(m map[string]any) {
				m["meta"].(map[string]any)["targets.json"].(map[string]any)["hashes"].(map[string]any)["sha256"] = strings.Repeat("00", 32)
			}
		}, check: isMismatch("7.targets.json", "sha256")},
		{name: "timestamp of another type", after: func(f *fixture) {
			f.files["/meta/timestamp.json"] = f.files["/meta/5.snapshot.json"]
		}, check: isFormat("timestamp.json")},
		{name: "timestamp missing", after: func(f *fixture) { delete(f.files, "/meta/timestamp.json") },
			check: isHTTP("timestamp.json", http.StatusNotFound)},
		{name: "timestamp not JSON", after: func(f *fixture) { f.files["/meta/timestamp.json"] = "<html>" },
			check: isFormat("timestamp.json")},
	}
}

func targetEntry(targets map[string]any) map[string]any {
	return targets["targets"].(map[string]any)[tuf.TrustedRootTarget].(map[string]any)
}

func targetCases() []clientCase {
	targetPath := func(f *fixture) string {
		for p := range f.files {
			if strings.HasPrefix(p, "/targets/") {
				return p
			}
		}
		panic("no target")
	}
	return []clientCase{
		{name: "target hash mismatch", after: func(f *fixture) {
			p := targetPath(f)
			f.files[p] = strings.ToUpper(f.files[p])
		}, check: isMismatch(tuf.TrustedRootTarget, "sha256")},
		{name: "target shorter than listed", after: func(f *fixture) {
			p := targetPath(f)
			f.files[p] = f.files[p][1:]
		}, check: isMismatch(tuf.TrustedRootTarget, "length")},
		{name: "target longer than listed", after: func(f *fixture) { f.files[targetPath(f)] += " " },
			check: func(err error) bool {
				e, ok := errors.AsType[*tuf.TooLargeError](err)
				return ok && strings.HasSuffix(e.File, "."+tuf.TrustedRootTarget) && e.Limit > 0
			}},
		{name: "target larger than the limit", opts: []tuf.Option{tuf.WithLimits(tuf.Limits{Target: 10})},
			check: isTooLarge(tuf.TrustedRootTarget)},
		{name: "target not found", target: "other.json", check: is(tuf.ErrTargetNotFound)},
		{name: "target without a length", setup: func(f *fixture) {
			f.editTargets = func(m map[string]any) { delete(targetEntry(m), "length") }
		}, check: isFormat(tuf.TrustedRootTarget)},
		{name: "target with an unknown hash only", setup: func(f *fixture) {
			f.editTargets = func(m map[string]any) { targetEntry(m)["hashes"] = map[string]any{"md5": "00"} }
		}, check: isFormat(tuf.TrustedRootTarget)},
		{name: "target with a sha512 hash only", setup: func(f *fixture) {
			f.editTargets = func(m map[string]any) { delete(targetEntry(m)["hashes"].(map[string]any), "sha256") }
		}, after: func(f *fixture) {
			sha512 := fileMeta(0, f.target)["hashes"].(map[string]any)["sha512"].(string)
			delete(f.files, targetPath(f))
			f.files["/targets/"+sha512+"."+tuf.TrustedRootTarget] = string(f.target)
		}},
		{name: "invalid target name", target: "../1.root.json", check: anyError},
		{name: "target only under its plain name", after: func(f *fixture) {
			p := targetPath(f)
			f.files["/targets/"+tuf.TrustedRootTarget] = f.files[p]
			delete(f.files, p)
		}, check: anyError},
	}
}

func serverCases() []clientCase {
	big := func(w http.ResponseWriter, _ *http.Request) {
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for range 16 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	}
	return []clientCase{
		{name: "oversized timestamp", opts: []tuf.Option{tuf.WithLimits(tuf.Limits{Timestamp: 100})}, check: isTooLarge("timestamp.json")},
		{name: "oversized root, streamed", wrap: onPath("/meta/2.root.json", big), check: isTooLarge("2.root.json")},
		{name: "oversized root, announced", opts: []tuf.Option{tuf.WithLimits(tuf.Limits{Root: 100})},
			setup: func(f *fixture) { sameKeyRoots(f) }, check: isTooLarge("2.root.json")},
		{name: "slow timestamp", wrap: onPath("/meta/timestamp.json", blockUntilDone),
			opts: []tuf.Option{tuf.WithTimeout(100 * time.Millisecond)}, check: isDeadline},
		{name: "slow target", wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.URL.Path, "/targets/") {
					blockUntilDone(w, r)
					return
				}
				next.ServeHTTP(w, r)
			})
		}, opts: []tuf.Option{tuf.WithTimeout(100 * time.Millisecond)}, check: isDeadline},
		{name: "server error on the snapshot", wrap: onPath("/meta/5.snapshot.json", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
		}), check: isHTTP("5.snapshot.json", http.StatusServiceUnavailable)},
	}
}

func isDeadline(err error) bool { return errors.Is(err, context.DeadlineExceeded) }

func TestTarget(t *testing.T) {
	t.Parallel()
	groups := [][]clientCase{successCases(), signatureCases(), rootCases(), chainCases(), targetCases(), serverCases()}
	seen := map[string]bool{}
	for _, group := range groups {
		for _, tc := range group {
			if seen[tc.name] {
				t.Fatalf("duplicate case %q", tc.name)
			}
			seen[tc.name] = true
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				runClientCase(t, tc)
			})
		}
	}
}
