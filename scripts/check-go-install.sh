#!/bin/sh
# Checks that `go install github.com/pyupload/pyupload/cmd/pyupload@latest`
# works for a user: the committed tree (HEAD) is served as version v0.0.1 by a
# local file proxy, the dependencies come from the local module cache's
# download directory (itself a valid proxy), and go install runs with a fresh
# module cache and no network (GOPROXY has only file:// entries, GOSUMDB is off
# and the dependencies' sums come from the module's go.sum). It fails if
# go.mod has replace or exclude directives, or if the build needs anything a
# test-only requirement brings.
set -eu
GO=${GO:-go}
M=github.com/pyupload/pyupload
V=v0.0.1
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
if grep -nE '^[[:space:]]*(replace|exclude)\b' "$root/go.mod"; then
	echo "go.mod has replace/exclude directives: go install @version refuses them" >&2
	exit 1
fi
mkdir -p "$tmp/proxy/$M/@v" "$tmp/src"
git -C "$root" archive --prefix="$M@$V/" HEAD | tar -x -C "$tmp/src"
(cd "$tmp/src" && find "$M@$V" -type f | LC_ALL=C sort | zip -q -X "$tmp/proxy/$M/@v/$V.zip" -@) 2>/dev/null || {
	# no zip(1): Python's zipfile
	(cd "$tmp/src" && python3 -c 'import os,sys,zipfile
z=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED)
for d,_,fs in os.walk(sys.argv[2]):
    for f in fs: z.write(os.path.join(d,f))' "$tmp/proxy/$M/@v/$V.zip" "$M@$V")
}
cp "$root/go.mod" "$tmp/proxy/$M/@v/$V.mod"
echo "$V" >"$tmp/proxy/$M/@v/list"
echo "{\"Version\":\"$V\",\"Time\":\"2026-01-01T00:00:00Z\"}" >"$tmp/proxy/$M/@v/$V.info"
env GOPROXY="file://$tmp/proxy,file://$("$GO" env GOMODCACHE)/cache/download" GOSUMDB=off \
	GOMODCACHE="$tmp/modcache" GOBIN="$tmp/bin" GOFLAGS=-modcacherw GOTOOLCHAIN=local CGO_ENABLED=0 \
	"$GO" install -trimpath "$M/cmd/pyupload@latest"
out=$("$tmp/bin/pyupload" --version)
echo "$out"
test "$out" = "pyupload $V"
