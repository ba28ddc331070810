// Package transport holds the HTTP plumbing shared by the network stages of
// pyupload's pipeline (pkg/upload now; pkg/oidc and pkg/mint later): small
// http.RoundTrippers that add a User-Agent, retry idempotent requests, and
// log requests with every credential redacted. [New] stacks them in one
// visible order. Each RoundTripper clones a request before changing it.
package transport
