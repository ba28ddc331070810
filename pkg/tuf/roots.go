package tuf

import (
	"bytes"
	_ "embed" // the TUF roots of Sigstore's repositories
)

// The URLs of Sigstore's TUF repositories.
const (
	ProductionMetadataURL = "https://tuf-repo-cdn.sigstore.dev"
	ProductionTargetsURL  = "https://tuf-repo-cdn.sigstore.dev/targets"
	StagingMetadataURL    = "https://tuf-repo-cdn.sigstage.dev"
	StagingTargetsURL     = "https://tuf-repo-cdn.sigstage.dev/targets"
)

// TrustedRootTarget is the name of Sigstore's trusted root in its TUF
// repositories.
const TrustedRootTarget = "trusted_root.json"

var (
	//go:embed production_root.json
	productionRoot []byte
	//go:embed staging_root.json
	stagingRoot []byte
)

// ProductionRoot returns the TUF root.json of Sigstore's public-good TUF
// repository shipped in the binary (see roots.md for its source). The
// caller may modify the copy it gets.
func ProductionRoot() []byte { return bytes.Clone(productionRoot) }

// StagingRoot returns the TUF root.json of Sigstore's staging TUF
// repository shipped in the binary (see roots.md for its source).
func StagingRoot() []byte { return bytes.Clone(stagingRoot) }

// Production returns Sigstore's public-good TUF repository with its
// shipped root.
func Production() Repository {
	return Repository{MetadataURL: ProductionMetadataURL, TargetsURL: ProductionTargetsURL, Root: ProductionRoot()}
}

// Staging returns Sigstore's staging TUF repository with its shipped root.
func Staging() Repository {
	return Repository{MetadataURL: StagingMetadataURL, TargetsURL: StagingTargetsURL, Root: StagingRoot()}
}
