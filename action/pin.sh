#!/usr/bin/env bash
# Pins a release in the action: copies the digests of its archives from the
# release's SHA256SUMS (dist/release/SHA256SUMS after `make release`) into
# action/checksums.txt, replacing any lines of that version, and makes it the
# version the action installs by default (action/VERSION); the GitLab
# template (templates/pyupload.yml) gets the same version and its Linux
# digests. Commit the three files; users then pin the action by that
# commit's SHA (docs/github-actions.md).
#   action/pin.sh 1.2.3 dist/release/SHA256SUMS
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 <version> <SHA256SUMS>" >&2; exit 2; }
version=${1#v} sums=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix="pyupload_${version}_"
new=$(awk -v p="$prefix" 'NF == 2 && length($1) == 64 && $1 !~ /[^0-9a-fA-F]/ { n = $2; sub(/^\*/, "", n); if (index(n, p) == 1) print tolower($1) "  " n }' "$sums")
[ -n "$new" ] || { echo "$sums has no archive of pyupload $version" >&2; exit 1; }
tmp=$(mktemp)
{
	awk -v p="$prefix" '!(NF == 2 && index($2, p) == 1)' "$here/checksums.txt"
	printf '%s\n' "$new"
} >"$tmp"
cat "$tmp" >"$here/checksums.txt" && rm -f "$tmp"
printf '%s\n' "$version" >"$here/VERSION"

template="$here/../templates/pyupload.yml"
linux=$(printf '%s\n' "$new" | awk '$2 ~ /_linux_/ { print "      " $0 }')
tmp=$(mktemp)
awk -v v="$version" -v sums="$linux" '
	/^    PYUPLOAD_CI_PINNED_VERSION:/ { print "    PYUPLOAD_CI_PINNED_VERSION: \"" v "\""; next }
	/^    PYUPLOAD_CI_PINNED_SHA256: \|/ { print; print "      # pinned digests: pyupload " v; print sums; skip = 1; next }
	skip && /^      / { next }
	{ skip = 0; print }
' "$template" >"$tmp"
cat "$tmp" >"$template" && rm -f "$tmp"
echo "pinned pyupload $version: $(printf '%s\n' "$new" | wc -l) archives"
