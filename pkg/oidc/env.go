package oidc

// Env looks up one environment variable. cmd/pyupload passes os.LookupEnv;
// tests pass a map.
type Env func(key string) (string, bool)

// Var is an environment variable this package reads.
type Var struct {
	Name        string
	Description string
	Sensitive   bool // holds a secret: never print it
}

// The environment variables the providers read (CONTRIBUTING.md C11).
var (
	VarGitHubActions     = Var{Name: "GITHUB_ACTIONS", Description: "set to true in GitHub Actions"}
	VarGitHubRequestURL  = Var{Name: "ACTIONS_ID_TOKEN_REQUEST_URL", Description: "GitHub's OIDC token endpoint; present only with permissions: id-token: write"}
	VarGitHubRequestTok  = Var{Name: "ACTIONS_ID_TOKEN_REQUEST_TOKEN", Description: "bearer token for GitHub's OIDC token endpoint", Sensitive: true}
	VarGitHubEventName   = Var{Name: "GITHUB_EVENT_NAME", Description: "the event that started the workflow"}
	VarGitHubEventPath   = Var{Name: "GITHUB_EVENT_PATH", Description: "file holding the event's JSON payload"}
	VarGitLabCI          = Var{Name: "GITLAB_CI", Description: "set to true in GitLab CI"}
	VarGoogleSA          = Var{Name: "GOOGLE_SERVICE_ACCOUNT_NAME", Description: "service account to impersonate for the identity token"}
	VarBuildkite         = Var{Name: "BUILDKITE", Description: "set to true in Buildkite"}
	VarCircleCI          = Var{Name: "CIRCLECI", Description: "set to true in CircleCI"}
	VarExplicitToken     = Var{Name: "PYUPLOAD_OIDC_TOKEN", Description: "an OIDC identity token obtained by other means", Sensitive: true}
	VarGitLabTokenSuffix = Var{Name: "<AUD>_ID_TOKEN", Description: "GitLab's id_tokens variable for the audience, e.g. PYPI_ID_TOKEN", Sensitive: true}
)

// Vars lists every variable above, for documentation and redaction.
var Vars = []Var{
	VarGitHubActions, VarGitHubRequestURL, VarGitHubRequestTok, VarGitHubEventName, VarGitHubEventPath,
	VarGitLabCI, VarGoogleSA, VarBuildkite, VarCircleCI, VarExplicitToken, VarGitLabTokenSuffix,
}

// set reports whether a variable is present and non-empty.
func (e Env) set(v Var) bool {
	s, ok := e(v.Name)
	return ok && s != ""
}

func (e Env) get(name string) string {
	s, _ := e(name)
	return s
}
