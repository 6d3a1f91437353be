package ledger

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// NewRelease is a release as the release job submits it: the version the
// release tool gave an image digest that main built, maybe many commits
// earlier. It is an event of its own rather than a field of a build: one
// digest may be released under many versions, long after its build.
type NewRelease struct {
	// Project is the Nx project that owns the image.
	Project string
	// Image is the image name without tag or digest.
	Image string
	// Digest is the released manifest digest.
	Digest string
	// Version is the release tool's version, e.g. "2612.02.abc1234"; a
	// project has one release per version.
	Version string
	// Tags are the tags the release put on the digest (1 to 32, unique).
	Tags []string
	// GitSHA is the commit the release was made from.
	GitSHA string
	// CIRunID optionally identifies the CI run that released it.
	CIRunID string
}

// Release is a stored release.
type Release struct {
	// ID is assigned by the store; ids grow with insertion order.
	ID int64
	NewRelease
	// RecordedAt is when the server recorded the release (UTC, millisecond
	// precision).
	RecordedAt time.Time
}

// Limits of the release list.
const (
	DefaultReleaseListSize = 20
	MaxReleaseListSize     = 100
	// MaxVersionLen bounds a release version, which is also an image tag.
	MaxVersionLen = 128
)

// versionRe is a release version: it becomes an image tag, so it follows
// the tag rule.
var versionRe = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

// Validate checks every field of r and returns a *ValidationError (of
// record "release") listing all problems, or nil when r is valid.
func (r NewRelease) Validate() error {
	f := map[string]string{}
	set := func(field, msg string) {
		if msg != "" {
			f[field] = msg
		}
	}
	set("project", ValidateProject(r.Project))
	set("image", ValidateImageName(r.Image))
	switch {
	case r.Digest == "":
		set("digest", "is required")
	case !digestRe.MatchString(r.Digest):
		set("digest", "must be sha256: followed by 64 lowercase hex characters")
	}
	switch {
	case r.Version == "":
		set("version", "is required")
	case !versionRe.MatchString(r.Version):
		set("version", fmt.Sprintf("must be 1 to %d characters: letters, digits, '_', '.' and '-', not starting with '.' or '-'", MaxVersionLen))
	}
	validateTags(r.Tags, set)
	switch {
	case r.GitSHA == "":
		set("gitSha", "is required")
	case !gitSHARe.MatchString(r.GitSHA):
		set("gitSha", "must be 7 to 40 lowercase hex characters")
	}
	set("ciRunId", validateCIRunID(r.CIRunID))
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Record: "release", Fields: f}
}

// ReleaseConflictError says that the project already has a release of the
// version, recorded with other values. Fields maps each property that
// differs to how.
type ReleaseConflictError struct {
	Project, Version string
	Fields           map[string]string
}

// Error implements error.
func (e *ReleaseConflictError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return fmt.Sprintf("release %s of %s already recorded with another %s", e.Version, e.Project, strings.Join(keys, " and "))
}

// Conflict compares r with the stored release of the same project and
// version: nil when it is the same release (the same image and digest),
// or a *ReleaseConflictError naming what differs. The rest of a repeat
// (tags, commit, CI run: a re-run of the release job has another run id)
// does not make it another release; the stored record stands.
func (r NewRelease) Conflict(stored Release) error {
	f := map[string]string{}
	if r.Image != stored.Image {
		f["image"] = "differs from the recorded " + stored.Image
	}
	if r.Digest != stored.Digest {
		f["digest"] = "differs from the recorded " + stored.Digest
	}
	if len(f) == 0 {
		return nil
	}
	return &ReleaseConflictError{Project: r.Project, Version: r.Version, Fields: f}
}

// ReleaseStore persists releases. Implementations must be safe for
// concurrent use.
type ReleaseStore interface {
	// AddRelease stores r (whose RecordedAt is already set) unless its
	// project already has a release of its version. Then it stores nothing
	// and returns the stored release with created false when it is the
	// same release (NewRelease.Conflict), or a *ReleaseConflictError.
	AddRelease(ctx context.Context, r Release) (stored Release, created bool, err error)
	// Releases returns the most recent limit releases (of project, when not
	// empty), newest first (by RecordedAt, then ID).
	Releases(ctx context.Context, project string, limit int) ([]Release, error)
}
