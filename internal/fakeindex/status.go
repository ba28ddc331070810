package fakeindex

import (
	"fmt"
	"net/http"
)

// Project statuses (PEP 792) as PyPI derives them from a project's
// lifecycle: archived projects take no uploads at all; quarantined ones
// are hidden from the read APIs and take no Trusted Publishing uploads,
// while their owners' API tokens may still upload.
const (
	StatusActive      = "active"
	StatusArchived    = "archived"
	StatusQuarantined = "quarantined"
)

// SetProjectStatus sets the status of the project named name (in any
// spelling), which must exist: the read APIs declare it and uploads
// follow it, as on PyPI.
func (ix *Index) SetProjectStatus(name, status string) error {
	switch status {
	case StatusActive, StatusArchived, StatusQuarantined:
	default:
		return fmt.Errorf("setting project status: unknown status %q", status)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	p := ix.projects[canonicalName(name)]
	if p == nil {
		return fmt.Errorf("setting project status: no project %q", name)
	}
	p.status = status
	ix.serial++
	return nil
}

// statusOf is the status the read APIs declare.
func statusOf(p string) string {
	if p == "" {
		return StatusActive
	}
	return p
}

// checkStatus is row 9 for archived and quarantined projects: their ACLs
// drop the upload permission (Warehouse's Project.__acl__), so the
// permission check refuses with its usual text.
func (ix *Index) checkStatus(name string, minted bool) *reply {
	ix.mu.Lock()
	p := ix.projects[canonicalName(name)]
	status, display := "", name
	if p != nil {
		status, display = p.status, p.name
	}
	ix.mu.Unlock()
	refused := status == StatusArchived || status == StatusQuarantined && minted
	switch {
	case !refused:
		return nil
	case minted:
		return &reply{status: http.StatusForbidden, message: fmt.Sprintf("The given token isn't allowed to upload to project %s. See https://pypi.org/help/#project-name for more information.", pyRepr(display))}
	}
	return &reply{status: http.StatusForbidden, message: fmt.Sprintf("The user 'fakeindex' isn't allowed to upload to project %s. See https://pypi.org/help/#project-name for more information.", pyRepr(display))}
}
