package upload

// withInsecureHTTP allows plain http to non-loopback hosts, so tests can
// check what the uploader does there. No product option sends credentials
// in clear text over a network.
func withInsecureHTTP() Option {
	return func(o *options) error { o.allowHTTP = true; return nil }
}
