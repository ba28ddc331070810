// Package sigstoretest is test support for pkg/sigstore and the tests that
// use it: the conversions between PyPI's attestation form and Sigstore
// bundles (so that sigstore-go, an independent implementation, can verify
// what pkg/sigstore makes, and pkg/sigstore can verify real bundles), and
// an in-process Fulcio and Rekor v1 served over HTTP ([NewServices]) with
// their trusted root. Only tests import it; it never ships.
package sigstoretest
