#!/usr/bin/env bash
# make demo: the whole publish pipeline against the bundled local index,
# offline. Starts bin/fakeindex on a free loopback port, publishes the
# sample dists from testdata with bin/pyupload, shows what the index now
# lists, and stops the index.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
index_pid=""
cleanup() {
  if [ -n "$index_pid" ]; then kill "$index_pid" 2>/dev/null || true; wait "$index_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# http_get URL prints the body of a plain-http GET, with bash alone (the
# demo needs nothing but Go and bash).
http_get() {
  local rest=${1#http://} hostport path
  hostport=${rest%%/*}; path=/${rest#*/}
  exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\nAccept: text/plain\r\n\r\n' "$path" "$hostport" >&3
  sed '1,/^\r$/d' <&3
  exec 3<&-
}

say "starting the local index (bin/fakeindex)"
token="pypi-demo-$RANDOM$RANDOM"
bin/fakeindex -addr 127.0.0.1:0 -token "$token" -url-file "$work/url" -storage "$work/store" >"$work/index.log" 2>&1 &
index_pid=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.1; done
[ -s "$work/url" ] || { echo "fakeindex did not start:"; cat "$work/index.log"; exit 1; }
url=$(cat "$work/url")
echo "index at $url"

say "pyupload check testdata/dists/good"
bin/pyupload check testdata/dists/good

say "pyupload: a bad file among good ones means nothing is uploaded"
if TWINE_PASSWORD=$token bin/pyupload --repository-url "$url/legacy/" --disable-progress-bar \
    testdata/dists/good/pyupload_mv22-2.2.tar.gz testdata/dists/bad/name_mismatch-1.0-py3-none-any.whl; then
  echo "expected a failure"; exit 1
fi

say "pyupload 'testdata/dists/good/*' (API token from TWINE_PASSWORD, 4 uploads at once)"
TWINE_PASSWORD=$token bin/pyupload --repository-url "$url/legacy/" --jobs 4 'testdata/dists/good/*'

say "again: identical files are recognised by sha256 and skipped"
TWINE_PASSWORD=$token bin/pyupload --repository-url "$url/legacy/" --disable-progress-bar testdata/dists/good/pyupload_sample_hatch*

say "the index now lists"
http_get "$url/"

say "stopping the index"
