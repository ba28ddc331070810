#!/bin/sh
# Writes pkg/tuf/production_root.json and pkg/tuf/staging_root.json, the TUF
# root metadata of Sigstore's public-good and staging TUF repositories that
# pkg/tuf embeds (go:embed), from the pinned sigstore-go module (its
# pkg/tuf/repository/root.json and staging_root.json), after checking their
# SHA-256. The data is public trust material; the companion note
# pkg/tuf/roots.md names its source.
set -eu
MODULE=github.com/sigstore/sigstore-go
VERSION=v1.3.0
PROD=pkg/tuf/repository/root.json
PROD_SHA256=a0dfcc5d51c1ce4a66b541a3fff0afa97225ccc40456b21140bb2e2f113122e2
STAGING=pkg/tuf/repository/staging_root.json
STAGING_SHA256=f0a8b825e7e504c36d2f4bac2c97b7a78b2abb152f3fd3b017496c20e031468e
cd "$(dirname "$0")/.."
GO=${GO:-go}
dir=$($GO mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "tuf-roots.sh: go mod download gave no Dir for $MODULE@$VERSION" >&2; exit 1; }
check() {
	got=$(sha256sum "$dir/$1" | cut -d' ' -f1)
	[ "$got" = "$2" ] || { echo "tuf-roots.sh: $1 has sha256 $got, want $2" >&2; exit 1; }
}
check "$PROD" "$PROD_SHA256"
check "$STAGING" "$STAGING_SHA256"
cp "$dir/$PROD" pkg/tuf/production_root.json
cp "$dir/$STAGING" pkg/tuf/staging_root.json
chmod 0644 pkg/tuf/production_root.json pkg/tuf/staging_root.json
cat > pkg/tuf/roots.md <<NOTE
# production_root.json, staging_root.json

The TUF root metadata of Sigstore's TUF repositories, embedded in pyupload by \`pkg/tuf\`
(go:embed) as the roots of trust from which \`tuf.Client\` updates. Public trust data. Written by
\`scripts/tuf-roots.sh\`; do not edit by hand.

- \`production_root.json\` (https://tuf-repo-cdn.sigstore.dev): \`$PROD\` of the Go module
  \`$MODULE@$VERSION\`, sha256 \`$PROD_SHA256\`
- \`staging_root.json\` (https://tuf-repo-cdn.sigstage.dev): \`$STAGING\` of the Go module
  \`$MODULE@$VERSION\`, sha256 \`$STAGING_SHA256\`
NOTE
echo "wrote pkg/tuf/production_root.json and pkg/tuf/staging_root.json from $MODULE@$VERSION"
