// Package action holds pyupload's GitHub Action and GitLab CI/CD component
// as shell scripts, and the tests that run them. The scripts, not Go code,
// are what ships: action.yml (at the repository root) calls install.sh,
// which downloads the release archive for the runner, verifies it against
// the SHA-256 digests pinned in checksums.txt and puts pyupload on the job's
// PATH, then run.sh, which turns the action's inputs into a pyupload command
// line. pin.sh pins a release (its SHA256SUMS) in the action and in
// templates/pyupload.yml. The tests run them with bash under a simulated
// runner, against a local file server; docs/github-actions.md and
// docs/gitlab.md are the users' side.
package action
