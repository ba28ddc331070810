package sigstore_test

import (
	"testing"

	"github.com/pyupload/pyupload/pkg/sigstore"
)

// TestPolicies: the identity policies accept exactly what PyPI
// (pypi-attestations) accepts; each refusal is a trick a certificate
// could carry.
func TestPolicies(t *testing.T) {
	gh := func(mod func(*sigstore.Identity)) *sigstore.Identity {
		id := &sigstore.Identity{
			Issuer: sigstore.GitHubIssuer, SourceRepositoryURI: "https://github.com/octo/proj",
			SourceRepositoryRef: "refs/tags/v1", SourceRepositoryDigest: "0123abcd",
			BuildConfigURI: "https://github.com/octo/proj/.github/workflows/release.yml@refs/tags/v1",
		}
		if mod != nil {
			mod(id)
		}
		return id
	}
	gl := func(mod func(*sigstore.Identity)) *sigstore.Identity {
		id := &sigstore.Identity{
			Issuer: sigstore.GitLabIssuer, SourceRepositoryURI: "https://gitlab.com/grp/sub/proj",
			SourceRepositoryRef: "refs/heads/main", SourceRepositoryDigest: "0123abcd",
			BuildConfigURI: "https://gitlab.com/grp/sub/proj//.gitlab-ci.yml@refs/heads/main",
		}
		if mod != nil {
			mod(id)
		}
		return id
	}
	release := sigstore.GitHub{Repository: "octo/proj", Workflow: "release.yml"}
	ci := sigstore.GitLab{Project: "grp/sub/proj", CIFile: ".gitlab-ci.yml"}
	for _, tc := range []struct {
		name   string
		policy sigstore.Policy
		id     *sigstore.Identity
		ok     bool
	}{
		{"github", release, gh(nil), true},
		{"github, any workflow", sigstore.GitHub{Repository: "octo/proj"}, gh(nil), true},
		{"github, case of the owner", sigstore.GitHub{Repository: "Octo/Proj", Workflow: "release.yml"}, gh(nil), true},
		{"github, pinned to the digest", release, gh(func(id *sigstore.Identity) {
			id.BuildConfigURI = "https://github.com/octo/proj/.github/workflows/release.yml@0123abcd"
		}), true},
		{"github, a workflow named release.yml@x.yml", release, gh(func(id *sigstore.Identity) {
			id.BuildConfigURI = "https://github.com/octo/proj/.github/workflows/release.yml@x.yml@refs/tags/v1"
		}), false},
		{"github, a ref other than the source's", release, gh(func(id *sigstore.Identity) {
			id.BuildConfigURI = "https://github.com/octo/proj/.github/workflows/release.yml@refs/heads/evil"
		}), false},
		{"github, a longer repository name", release, gh(func(id *sigstore.Identity) {
			id.SourceRepositoryURI = "https://github.com/octo/proj-evil"
		}), false},
		{"github, Unicode folding (ſ is not s)", sigstore.GitHub{Repository: "octo/proj", Workflow: "release.yml"}, gh(func(id *sigstore.Identity) {
			id.SourceRepositoryURI = "https://github.com/octo/proj"
			id.BuildConfigURI = "https://github.com/octo/proj/.github/workflow\u017f/release.yml@refs/tags/v1"
		}), false},
		{"github, a workflow in a subdirectory", sigstore.GitHub{Repository: "octo/proj"}, gh(func(id *sigstore.Identity) {
			id.BuildConfigURI = "https://github.com/octo/proj/.github/workflows/sub/release.yml@refs/tags/v1"
		}), false},
		{"github, no ref nor digest", sigstore.GitHub{Repository: "octo/proj"}, gh(func(id *sigstore.Identity) {
			id.SourceRepositoryRef, id.SourceRepositoryDigest = "", ""
			id.BuildConfigURI = "https://github.com/octo/proj/.github/workflows/release.yml@"
		}), false},
		{"gitlab", ci, gl(nil), true},
		{"gitlab, any CI file", sigstore.GitLab{Project: "grp/sub/proj"}, gl(nil), true},
		{"gitlab, another project's pipeline running this CI file", ci, gl(func(id *sigstore.Identity) {
			id.SourceRepositoryURI = "https://gitlab.com/evil/proj"
		}), false},
		{"gitlab, a parent namespace", sigstore.GitLab{Project: "grp/sub"}, gl(nil), false},
		{"gitlab, another ref", ci, gl(func(id *sigstore.Identity) {
			id.BuildConfigURI = "https://gitlab.com/grp/sub/proj//.gitlab-ci.yml@refs/heads/evil"
		}), false},
		{"google", sigstore.Google{Email: "ci@p.iam.gserviceaccount.com"}, &sigstore.Identity{Issuer: sigstore.GoogleIssuer, SAN: "ci@p.iam.gserviceaccount.com"}, true},
		{"google, another case", sigstore.Google{Email: "ci@p.iam.gserviceaccount.com"}, &sigstore.Identity{Issuer: sigstore.GoogleIssuer, SAN: "CI@p.iam.gserviceaccount.com"}, false},
		{"google, another issuer", sigstore.Google{Email: "ci@p.iam.gserviceaccount.com"}, &sigstore.Identity{Issuer: sigstore.GitHubIssuer, SAN: "ci@p.iam.gserviceaccount.com"}, false},
	} {
		if err := tc.policy.Check(tc.id); (err == nil) != tc.ok {
			t.Errorf("%s: Check = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
