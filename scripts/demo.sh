#!/usr/bin/env bash
# make demo: the whole publish pipeline against the bundled local index,
# offline. Starts bin/fakeindex on a free loopback port with a trusted
# publisher and a fake GitHub Actions token endpoint, then publishes the
# sample dists from testdata with bin/pyupload by Trusted Publishing in a
# simulated GitHub Actions job, each signed with a PEP 740 attestation by
# the index's fake Sigstore (Fulcio and Rekor) and verified with pyupload
# verify, shows what the index lists, finishes a
# half-published release on a Gitea-like registry, and stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
index_pid=""
gitea_pid=""
cleanup() {
  for pid in $index_pid $gitea_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# http_get URL prints the body of a plain-http GET with bash alone (the demo
# needs nothing but Go and bash).
http_get() {
  local rest=${1#http://} hostport path
  hostport=${rest%%/*}; path=/${rest#*/}
  exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\nAccept: text/plain\r\n\r\n' "$path" "$hostport" >&3
  sed '1,/^\r$/d' <&3
  exec 3<&-
}

# The projects the trusted publisher may publish: one per sample dist.
projects=()
for f in testdata/dists/good/*.whl testdata/dists/good/*.tar.gz; do
  base=${f##*/}
  case $base in *.whl) name=${base%%-*} ;; *) name=${base%-*} ;; esac
  projects+=(-project "$name")
done

say "starting the local index (bin/fakeindex) with a trusted publisher for example-org/example-pkg, workflow release.yml"
request_token="gha-demo-$RANDOM$RANDOM"
api_token="pypi-demo-$RANDOM$RANDOM"
bin/fakeindex -addr 127.0.0.1:0 -token "$api_token" -url-file "$work/url" -storage "$work/store" \
  -github-publisher example-org/example-pkg:release.yml "${projects[@]}" \
  -github-actions-request-token "$request_token" -github-url-file "$work/gha-url" \
  -sigstore-dir "$work/sigstore" >"$work/index.log" 2>&1 &
index_pid=$!
for _ in $(seq 100); do [ -s "$work/url" ] && [ -s "$work/gha-url" ] && [ -s "$work/sigstore/signing_config.json" ] && break; sleep 0.1; done
[ -s "$work/url" ] || { echo "fakeindex did not start:"; cat "$work/index.log"; exit 1; }
url=$(cat "$work/url")
echo "index at $url"

# The index's fake Sigstore stands in for Sigstore's public instance (the
# default), which the demo never reaches.
export PYUPLOAD_SIGSTORE_TRUSTED_ROOT="$work/sigstore/trusted_root.json"
export PYUPLOAD_SIGSTORE_SIGNING_CONFIG="$work/sigstore/signing_config.json"

# A simulated GitHub Actions job with `permissions: id-token: write`.
gha() {
  env GITHUB_ACTIONS=true ACTIONS_ID_TOKEN_REQUEST_URL="$(cat "$work/gha-url")" \
    ACTIONS_ID_TOKEN_REQUEST_TOKEN="$request_token" "$@" \
    2> >(grep -v '^::add-mask::' >&2) # GitHub hides masked values; the demo hides the mask lines
}

say "pyupload check testdata/dists/good"
bin/pyupload check testdata/dists/good

say "pyupload: a bad file among good ones means nothing is uploaded"
if gha bin/pyupload --repository-url "$url/legacy/" --disable-progress-bar \
    testdata/dists/good/pyupload_mv22-2.2.tar.gz testdata/dists/bad/name_mismatch-1.0-py3-none-any.whl; then
  echo "expected a failure"; exit 1
fi

say "pyupload whoami: the CI identity and the claims the index will match (nothing minted)"
gha bin/pyupload whoami --repository-url "$url/legacy/"

say "pyupload 'testdata/dists/good/*' in GitHub Actions: Trusted Publishing, each file signed (PEP 740), 4 uploads at once, no password anywhere"
mkdir -p "$work/attestations"
gha bin/pyupload --repository-url "$url/legacy/" --jobs 4 --attestations-dir "$work/attestations" 'testdata/dists/good/*'

say "pyupload verify: the release's provenance, from the index's integrity API, against the publisher we expect"
bin/pyupload verify --index "$url" --github example-org/example-pkg --workflow release.yml pyupload-mv22==2.2

say "pyupload verify: the same check fails for any other publisher"
if bin/pyupload verify --index "$url" --github someone-else/example-pkg pyupload-mv22==2.2; then
  echo "expected a failure"; exit 1
fi

say "again, with an API token: identical files are recognised by sha256 and skipped"
TWINE_PASSWORD=$api_token bin/pyupload --repository-url "$url/legacy/" --disable-progress-bar testdata/dists/good/pyupload_sample_hatch*

say "the index now lists"
http_get "$url/"

say "another registry: a Gitea-like index (private packages; 409 for a file it already has)"
bin/fakeindex -addr 127.0.0.1:0 -profile gitea -token "$api_token" -url-file "$work/gitea-url" -storage "$work/gitea-store" >"$work/gitea.log" 2>&1 &
gitea_pid=$!
for _ in $(seq 100); do [ -s "$work/gitea-url" ] && break; sleep 0.1; done
[ -s "$work/gitea-url" ] || { echo "fakeindex -profile gitea did not start:"; cat "$work/gitea.log"; exit 1; }
gitea="$(cat "$work/gitea-url")/api/packages/owner/pypi"
echo "upload URL $gitea"
export TWINE_USERNAME=demo TWINE_PASSWORD=$api_token
echo "a release job that stopped half-way: only the wheel arrived"
bin/pyupload --repository-url "$gitea" --disable-progress-bar testdata/dists/good/pyupload_mv22-2.2-py3-none-any.whl
echo "the same release again, whole: the wheel is found by hash on the private simple page, the sdist is sent"
bin/pyupload --repository-url "$gitea" --disable-progress-bar testdata/dists/good/pyupload_mv22-2.2*
unset TWINE_USERNAME TWINE_PASSWORD

say "stopping the index"
