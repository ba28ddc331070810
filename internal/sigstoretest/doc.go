// Package sigstoretest is test support for pkg/sigstore and the tests that
// use it: the conversions between PyPI's attestation form and Sigstore
// bundles ([BundleJSON], [FromBundle]), so that sigstore-go, an
// independent implementation, can verify what pkg/sigstore makes, and
// pkg/sigstore can verify real bundles. The in-process Fulcio and Rekor
// those tests sign against are internal/fakesigstore's. Only tests import
// it; it never ships.
package sigstoretest
