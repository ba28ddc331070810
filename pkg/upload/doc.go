// Package upload sends checked distributions to a package index's upload
// endpoint (PyPI's /legacy/). It is the last stage of pyupload's pipeline:
// it takes [*dist.Dist] values that passed dist.Check and an upload
// endpoint, and returns one [Result] per file.
//
// Before any byte is sent, it asks the index's read API which files the
// releases already have: an identical file is skipped, and a different
// file under the same name fails the batch. Each file is one streamed
// multipart/form-data POST with exactly the form fields the index expects
// ([Form]); the body is produced while it is sent, with its Content-Length
// computed up front, and every attempt re-opens the file. Credentials come
// from a callback called for every attempt, so a token refreshed by the
// caller is picked up; the package knows nothing of OIDC. Network errors,
// 5xx and 429 are retried with backoff; after an ambiguous failure the
// index's read API is asked whether the identical file arrived. "Already
// uploaded" is decided by the sha256 the read API reports; the index's
// "File already exists" message decides alone only under
// [WithSkipExisting], when the read API cannot tell. Files fan out over a
// bounded pool, wheels before sdists, with the first file of a new release
// uploaded alone. Progress is reported as events that never block a
// transfer.
package upload
