#!/bin/sh
# Writes pkg/sigstore/trusted_root.json, the trusted root of Sigstore's
# public-good instance shipped in the pyupload binary, from the pinned
# sigstore-go module (its examples/trusted-root-public-good.json), after
# checking its SHA-256. The data is public trust material; the companion
# note pkg/sigstore/trusted_root.md names its source.
set -eu
MODULE=github.com/sigstore/sigstore-go
VERSION=v1.3.0
FILE=examples/trusted-root-public-good.json
SHA256=4364d7724c04cc912ce2a6c45ed2610e8d8d1c4dc857fb500292738d4d9c8d2c
cd "$(dirname "$0")/.."
GO=${GO:-go}
dir=$($GO mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "sigstore-root.sh: go mod download gave no Dir for $MODULE@$VERSION" >&2; exit 1; }
got=$(sha256sum "$dir/$FILE" | cut -d' ' -f1)
[ "$got" = "$SHA256" ] || { echo "sigstore-root.sh: $FILE has sha256 $got, want $SHA256" >&2; exit 1; }
cp "$dir/$FILE" pkg/sigstore/trusted_root.json
chmod 0644 pkg/sigstore/trusted_root.json
cat > pkg/sigstore/trusted_root.md <<NOTE
# trusted_root.json

Sigstore's public-good trusted root (Fulcio CAs, Rekor and CT log keys), embedded in pyupload
by \`pkg/sigstore\` (go:embed). Written by \`scripts/sigstore-root.sh\`; do not edit by hand.

- source: \`$FILE\` of the Go module \`$MODULE@$VERSION\`
- sha256: \`$SHA256\`
NOTE
echo "wrote pkg/sigstore/trusted_root.json from $MODULE@$VERSION"
