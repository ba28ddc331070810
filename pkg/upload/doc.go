// Package upload sends checked distributions to a package index's upload
// endpoint (PyPI's /legacy/, or any registry implementing its upload API).
// It is the last stage of pyupload's pipeline: it takes [*dist.Dist]
// values that passed dist.Check and an upload endpoint, and returns one
// [Result] per file.
//
// Before any byte is sent, it asks the index's read APIs which files the
// releases already have (PyPI's JSON API, PEP 691 or PEP 503 simple pages,
// found from the upload URL; see [WithCheckURL]): an identical file is
// "already present", and a different file under the same name fails the
// batch before anything is sent (or is skipped, with both hashes, under
// [WithSkipExisting]). Each file is one streamed multipart/form-data POST
// with exactly the form fields the index expects ([Form]); the body is
// produced while it is sent, with its Content-Length computed up front,
// and every attempt re-opens the file. Credentials come from a callback
// called for every attempt, so a token refreshed by the caller is picked
// up; the package knows nothing of OIDC. Network errors, timeouts, 5xx
// and 429 are retried with backoff; after an ambiguous failure the read
// API is asked whether the identical file arrived. One inactivity timeout
// ([WithTimeout]) bounds every exchange, while the file is sent and while
// the answer is read, and an attempt's overall limit grows with the
// file's size.
//
// An index's "already exists" answer (every registry's form of it, as
// twine's skip_upload knows them) is decided by hash when a read API can
// tell; otherwise it proves the file arrived when this run's earlier
// attempt lost its answer, it is skipped under [WithSkipExisting], and it
// is an error otherwise. Such an answer never stops the rest of the batch,
// so re-running a command completes a half-published release. Each
// Result's [Evidence] says how its state is known. Files fan out over a
// bounded pool, wheels before sdists, with the first file of a new release
// uploaded alone. Progress is reported as events that never block a
// transfer.
package upload
