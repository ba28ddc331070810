package fakeindex

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/pyupload/pyupload/pkg/dist"
)

// The filetype values the UploadForm accepts.
const (
	filetypeSdist = "sdist"
	filetypeWheel = "bdist_wheel"
)

// Messages with a help link, as Warehouse words them.
const (
	msgInvalidAuth  = "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information."
	msgUserPass     = "Username/Password authentication is no longer supported. Migrate to API Tokens or Trusted Publishers instead. See https://pypi.org/help/#apitoken and https://pypi.org/help/#trusted-publishers"
	coreMetadataURL = "https://packaging.python.org/specifications/core-metadata"
	localVersionURL = "https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers"
)

// fileUpload runs forklift's file_upload on a parsed request: the checks
// of docs/index-server.md §2 in their order, the first failure winning,
// then the store.
func (ix *Index) fileUpload(up *upload) *reply {
	// Row 1: the sanitize decorator.
	form, deleted := sanitize(up.form)
	for _, name := range up.fileFields {
		if !deleted[name] {
			return badRequest("%s: Should not be a tuple.", name)
		}
	}
	// Row 2 (admin flags) is not modelled. Row 3: an identity.
	minted, rp := ix.identify(up.authorization)
	if rp != nil {
		return rp
	}
	// Row 4.
	if pv, ok := lastValue(form, "protocol_version"); ok && pv != "1" {
		return badRequest("Unknown protocol version.")
	}
	// Row 5: the UploadForm.
	ff, rp := checkForm(form)
	if rp != nil {
		return rp
	}
	// Row 6: the metadata, from the form.
	meta, rp := checkMetadata(form)
	if rp != nil {
		return rp
	}
	// Row 7.
	c := up.content
	if c == nil {
		return badRequest("Upload payload does not have a file.")
	}
	// Rows 8 and 9 for Trusted Publishing tokens: they cannot create a
	// project, and their caveats limit them to their publisher's projects
	// until they expire. The rest of rows 8–11 (user prerequisites,
	// organisations) is not modelled: an API token may create and upload
	// to any project. Row 12.
	if minted != nil {
		if rp := ix.checkMinted(minted, meta.name); rp != nil {
			return rp
		}
	}
	if ix.profile == ProfilePyPI {
		if rp := ix.checkStatus(meta.name, minted != nil); rp != nil {
			return rp
		}
	}
	if rp := checkDescription(meta.values); rp != nil {
		return rp
	}
	// Row 14.
	if rp := checkFilename(c.filename, ff.filetype); rp != nil {
		return rp
	}
	// Row 15.
	if c.ctype == "" || strings.HasPrefix(c.ctype, "image/") {
		return badRequest("Invalid distribution file.")
	}
	if c.path == "" {
		return &reply{status: http.StatusInternalServerError, message: "fakeindex: the upload was not spooled"}
	}
	// Row 16: the size limits, now that the whole body is in.
	norm := canonicalName(meta.name)
	ix.mu.Lock()
	var projectTotal int64
	if p := ix.projects[norm]; p != nil {
		projectTotal = p.totalSize
	}
	ix.mu.Unlock()
	if rp := ix.checkSize(meta.name, c.size, projectTotal); rp != nil {
		return rp
	}
	// Row 17: every digest sent must match.
	var md5sum string
	if ff.md5 != "" {
		sum, err := md5File(c.path)
		if err != nil {
			return &reply{status: http.StatusInternalServerError, message: "fakeindex: " + err.Error()}
		}
		md5sum = sum
	}
	for _, d := range []struct{ sent, got string }{{ff.md5, md5sum}, {ff.sha256, c.sha256}, {ff.blake2, c.blake2}} {
		if d.sent != "" && strings.ToLower(d.sent) != d.got {
			return badRequest("The digest supplied does not match a digest calculated from the uploaded file.")
		}
	}
	// Rows 18, 20 and 21 (row 19, deleted filenames, cannot happen here).
	if rp := ix.checkExisting(c, norm, meta.version, ff.filetype); rp != nil {
		return rp
	}
	// Rows 22–24.
	var wheelMetadata []byte
	if ix.checkArchives {
		var rp *reply
		if wheelMetadata, rp = checkArchive(c, ff.filetype, meta); rp != nil {
			return rp
		}
	}
	// Row 25: only Trusted Publishing tokens may attest, and their
	// attestations are verified as PyPI does (attest.go).
	var attestations []json.RawMessage
	if field, ok := lastValue(form, "attestations"); ok {
		if minted == nil {
			return badRequest("%s", msgAttestPrefix+msgAttestNeedsTP)
		}
		if !ix.noAttestationChecks {
			if attestations, rp = ix.checkAttestations(minted, field, c.filename, c.sha256); rp != nil {
				return rp
			}
		}
	}
	// Row 26.
	sf := &storedFile{
		File: File{
			Filename: c.filename, Filetype: ff.filetype, PyVersion: ff.pyversion,
			SHA256: c.sha256, Blake2b256: c.blake2, Size: c.size,
			Fields: cloneValues(up.form), UploadedVia: up.userAgent, UploadTime: ix.now().UTC(),
		},
		path:    c.path,
		md5:     md5sum,
		comment: ff.comment,
	}
	if attestations != nil {
		sf.attestations, sf.provenancePub = attestations, provenancePublisher(&minted.publisher)
	}
	if wheelMetadata != nil {
		sf.metadata = wheelMetadata
		sf.metadataSHA = sha256Hex(wheelMetadata)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return &reply{status: http.StatusInternalServerError, message: "fakeindex: " + ErrClosed.Error()}
	}
	// A concurrent upload may have stored a conflicting file meanwhile.
	if rp := ix.checkExistingLocked(c, norm, meta.version, ff.filetype); rp != nil {
		return rp
	}
	c.path = "" // the index owns the file now
	ix.storeLocked(sf, meta.name, meta.version, meta.values)
	return &reply{status: http.StatusOK, kind: kindStored}
}

// sanitize is forklift's sanitize decorator on the non-file fields: a key
// whose value strips to "UNKNOWN" is deleted, and NUL characters become
// the text \x00. WebOb's MultiDict reads the last value of a key and
// replaces all of them on assignment, so both rules act on the last value
// and a rewritten key keeps only that one. It returns the deleted keys.
func sanitize(raw url.Values) (url.Values, map[string]bool) {
	form := cloneValues(raw)
	deleted := map[string]bool{}
	for key, vals := range form {
		last := vals[len(vals)-1]
		switch {
		case strings.TrimSpace(last) == "UNKNOWN":
			delete(form, key)
			deleted[key] = true
		case strings.Contains(last, "\x00"):
			form[key] = []string{strings.ReplaceAll(last, "\x00", `\x00`)}
		}
	}
	return form, deleted
}

// authenticate returns nil when the Authorization header carries an
// accepted token, and the 403 Warehouse gives otherwise.
func (ix *Index) authenticate(authorization string) *reply {
	_, rp := ix.identify(authorization)
	return rp
}

// identify is authenticate that also returns the Trusted Publishing token
// the request carries (nil for an API token). Like Warehouse, which looks
// the macaroon up without verifying its caveats, it accepts an expired
// minted token here; the upload fails later, at the permission check.
func (ix *Index) identify(authorization string) (*mintedToken, *reply) {
	method, cred, _ := strings.Cut(authorization, " ")
	token, ok := "", false
	switch strings.ToLower(method) {
	case "basic":
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
		if err != nil {
			break
		}
		user, pass, found := strings.Cut(string(b), ":")
		if !found {
			break
		}
		// Other registries take a token as the password whatever the
		// username (docs/test-index.md, registry profiles).
		if user != "__token__" && ix.profile == ProfilePyPI {
			// Raised by the basic-auth policy with no detail in the body.
			return nil, &reply{status: http.StatusForbidden, message: msgUserPass, hideDetail: true, kind: kindBadAuth}
		}
		token, ok = strings.TrimSpace(pass), true
	case "token", "bearer":
		token, ok = cred, true
	}
	if ok && ix.tokens[token] {
		return nil, nil
	}
	if ok {
		if mt := ix.lookupMinted(token); mt != nil {
			return mt, nil
		}
	}
	kind := kindBadAuth
	if strings.TrimSpace(authorization) == "" {
		kind = kindNoAuth
	}
	return nil, &reply{status: http.StatusForbidden, message: msgInvalidAuth, kind: kind}
}

// formFields are the UploadForm's values: WTForms takes the first value of
// each key.
type formFields struct {
	filetype, pyversion, comment string
	md5, sha256, blake2          string
}

var (
	projectNameRE = regexp.MustCompile(`(?i)^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`)
	nameRunRE     = regexp.MustCompile(`[-_.]+`)
	hexDigestRE   = regexp.MustCompile(`(?i)^[A-F0-9]{64}\n?$`) // Python's $ also matches before a final newline
)

// canonicalName is packaging's canonicalize_name (PEP 503), which keys
// projects: runs of '-', '_' and '.' become one '-', letters lower case.
func canonicalName(name string) string {
	return strings.ToLower(nameRunRE.ReplaceAllString(name, "-"))
}

// checkForm validates the UploadForm (row 5) the way WTForms reports it:
// the name error first, then the alphabetically first field in error, then
// the form-level rules.
func checkForm(form url.Values) (formFields, *reply) {
	ff := formFields{
		filetype: single(form, "filetype"), pyversion: single(form, "pyversion"), comment: single(form, "comment"),
		md5: single(form, "md5_digest"), sha256: single(form, "sha256_digest"), blake2: single(form, "blake2_256_digest"),
	}
	name := single(form, "name")
	nameErr := ""
	switch {
	case name == "":
		nameErr = "This field is required."
	case !projectNameRE.MatchString(name):
		nameErr = "Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'."
	}
	if nameErr != "" {
		if r := []rune(name); len(r) > 60 {
			name = string(r[:30]) + "..." + string(r[len(r)-30:])
		}
		return ff, badRequest("%s is an invalid value for Name. Error: %s See %s for more information.", pyRepr(name), nameErr, coreMetadataURL)
	}
	// Optional fields skip validation when empty or blank.
	optional := func(v string) bool { return strings.TrimSpace(v) == "" }
	switch { // alphabetical: blake2_256_digest, filetype, sha256_digest
	case !optional(ff.blake2) && !hexDigestRE.MatchString(ff.blake2):
		return ff, badRequest("Invalid value for blake2_256_digest. Error: Use a valid, hex-encoded, BLAKE2 message digest.")
	case ff.filetype == "":
		return ff, badRequest("Invalid value for filetype. Error: This field is required.")
	case ff.filetype != filetypeSdist && ff.filetype != filetypeWheel:
		return ff, badRequest("Invalid value for filetype. Error: Use a known file type.")
	case !optional(ff.sha256) && !hexDigestRE.MatchString(ff.sha256):
		return ff, badRequest("Invalid value for sha256_digest. Error: Use a valid, hex-encoded, SHA256 message digest.")
	}
	switch {
	case ff.filetype != filetypeSdist && ff.pyversion == "":
		return ff, badRequest("Invalid value for pyversion. Error: Python version is required for binary distribution uploads.")
	case ff.filetype == filetypeSdist && ff.pyversion == "":
		ff.pyversion = "source"
	case ff.filetype == filetypeSdist && ff.pyversion != "source":
		return ff, badRequest("Invalid value for pyversion. Error: Use 'source' as Python version for an sdist.")
	}
	if ff.md5 == "" && ff.sha256 == "" && ff.blake2 == "" {
		return ff, badRequest("Error: Include at least one message digest.")
	}
	return ff, nil
}

var distFileRE = regexp.MustCompile(`(?i)^.+?(\.(?:tar\.gz|zip|whl))$`)

// checkFilename is forklift's _validate_filename (row 14).
func checkFilename(filename, filetype string) *reply {
	if strings.ContainsFunc(filename, func(r rune) bool { return r < 32 || r == 127 }) {
		return badRequest("Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name.")
	}
	if strings.ContainsAny(filename, `/\`) {
		return badRequest(`Cannot upload a file with '/' or '\' in the name.`)
	}
	m := distFileRE.FindStringSubmatch(filename)
	if m == nil {
		return badRequest("Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more information")
	}
	ext := m[1] // as written: the mapping check is case-sensitive
	allowed := ext == ".whl"
	if filetype == filetypeSdist {
		allowed = ext == ".tar.gz" || ext == ".zip"
	}
	if !allowed {
		return badRequest("Invalid file extension: Extension %s is invalid for filetype %s. See https://www.python.org/dev/peps/pep-0527 for more information.", ext, filetype)
	}
	return nil
}

// checkSize applies the file and project limits (row 16). Warehouse checks
// both on every chunk, file first, so the limit crossed first wins.
func (ix *Index) checkSize(name string, size, projectTotal int64) *reply {
	fileOver := size > ix.maxFileSize
	projectOver := size+projectTotal > ix.maxProjectSize
	if fileOver && (!projectOver || ix.maxFileSize <= ix.maxProjectSize-projectTotal) {
		return badRequest("File too large. Limit for project %s is %d MB. See https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase for more information.", pyRepr(name), ix.maxFileSize/(1<<20))
	}
	if projectOver {
		return badRequest("Project size too large. Limit for project %s total size is %d GB. See https://docs.pypi.org/project-management/storage-limits#requesting-a-project-size-limit-increase", pyRepr(name), ix.maxProjectSize/(1<<30))
	}
	return nil
}

// checkExisting applies rows 18, 20 and 21 against the stored files.
func (ix *Index) checkExisting(c *spooled, norm string, v dist.Version, filetype string) *reply {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.checkExistingLocked(c, norm, v, filetype)
}

func (ix *Index) checkExistingLocked(c *spooled, norm string, v dist.Version, filetype string) *reply {
	if ix.profile != ProfilePyPI {
		return ix.checkFilenameLocked(c)
	}
	// Row 18: a file with this name or these bytes.
	dup := ix.byFilename[c.filename]
	if dup == nil {
		dup = ix.byBlake2[c.blake2]
	}
	if dup != nil {
		if dup.Filename == c.filename && dup.SHA256 == c.sha256 && dup.Blake2b256 == c.blake2 {
			return &reply{status: http.StatusOK, kind: kindIdentical} // identical: nothing changes
		}
		rp := badRequest("File already exists (%s, with blake2_256 hash %s). See https://pypi.org/help/#file-name-reuse for more information.", pyRepr(c.filename), pyRepr(c.blake2))
		rp.kind = kindExists
		return rp
	}
	p := ix.projects[norm]
	if p == nil {
		return nil
	}
	rel := p.findRelease(v)
	if rel == nil {
		return nil
	}
	// Row 20.
	if rel.created.Before(ix.now().Add(-releaseAgeLimit)) {
		return badRequest("Uploading new files to releases older than 14 days is not allowed.")
	}
	// Row 21.
	if filetype == filetypeSdist && rel.hasSdist() {
		return badRequest("Only one sdist may be uploaded per release.")
	}
	return nil
}

// checkFilenameLocked is the duplicate rule of every registry but PyPI:
// a filename is taken once, whatever the bytes, and the 14-day window and
// the one-sdist rule do not exist (docs/test-index.md, registry profiles).
// The profile decides how to answer an identical file; only devpi takes
// it. ix.mu must be held.
func (ix *Index) checkFilenameLocked(c *spooled) *reply {
	dup := ix.byFilename[c.filename]
	if dup == nil {
		return nil
	}
	f := dup.File
	kind := kindExists
	if dup.SHA256 == c.sha256 && dup.Blake2b256 == c.blake2 {
		kind = kindIdentical
	}
	return &reply{status: http.StatusConflict, message: "File already exists", kind: kind, file: &f}
}
