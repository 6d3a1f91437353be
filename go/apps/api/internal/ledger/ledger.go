// Package ledger holds the build ledger's domain: the build record, its
// validation, the paging cursor and the Store interface that persistence
// implementations satisfy.
package ledger

import (
	"context"
	"errors"
	"time"
)

// Outcome says whether CI built an image or reused an existing one.
type Outcome string

// The outcomes a build record may have.
const (
	// OutcomeBuilt means the image was built by this run.
	OutcomeBuilt Outcome = "built"
	// OutcomeReused means an existing image (same Nx hash) was retagged
	// instead of rebuilt.
	OutcomeReused Outcome = "reused"
)

// NewBuild is a build as submitted by a client (CI): everything but the
// server-assigned id and time.
type NewBuild struct {
	// Project is the Nx project that owns the image, e.g. "api".
	Project string `json:"project"`
	// Image is the image name without tag or digest,
	// e.g. "registry.example/ns/slipway-api".
	Image string `json:"image"`
	// Digest is the manifest digest, "sha256:" plus 64 lowercase hex.
	Digest string `json:"digest"`
	// Tags are the tags pushed for this build (1 to 32, unique).
	Tags []string `json:"tags"`
	// SizeBytes is the image size in bytes (> 0).
	SizeBytes int64 `json:"sizeBytes"`
	// Platform is os/arch[/variant], e.g. "linux/amd64".
	Platform string `json:"platform"`
	// GitSHA is the commit the image was built from (7 to 40 lowercase hex).
	GitSHA string `json:"gitSha"`
	// NxHash is the Nx task hash of the docker-build target.
	NxHash string `json:"nxHash"`
	// Outcome is "built" or "reused".
	Outcome Outcome `json:"outcome"`
	// DurationMs is how long the build (or reuse) took, in milliseconds.
	DurationMs int64 `json:"durationMs"`
	// CIRunID optionally identifies the CI run; omitted when empty.
	CIRunID string `json:"ciRunId,omitempty"`
}

// Build is a stored build record.
type Build struct {
	// ID is assigned by the store; ids grow with insertion order.
	ID int64 `json:"id"`
	NewBuild
	// RecordedAt is when the server recorded the build (UTC, millisecond
	// precision).
	RecordedAt time.Time `json:"recordedAt"`
}

// ImageSummary describes one image: how many builds it has and its latest.
type ImageSummary struct {
	// Image is the image name.
	Image string `json:"image"`
	// Project is the project of the latest build of the image.
	Project string `json:"project"`
	// BuildCount is the number of recorded builds of the image.
	BuildCount int64 `json:"buildCount"`
	// Latest is the most recently recorded build of the image.
	Latest Build `json:"latest"`
}

// Paging limits for listing builds.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// PageRequest asks for one page of an image's builds, newest first.
type PageRequest struct {
	// Limit is the page size, 1..MaxPageSize.
	Limit int
	// After, when non-nil, continues after the build it points at.
	After *Cursor
}

// BuildPage is one page of builds, newest first.
type BuildPage struct {
	// Builds holds up to Limit builds.
	Builds []Build
	// Next points at the last build of the page when more builds follow,
	// and is nil on the last page.
	Next *Cursor
}

// ErrNotFound is returned by a Store when the requested image has no builds.
var ErrNotFound = errors.New("not found")

// Store persists build records. Implementations must be safe for concurrent
// use. Listing orders by RecordedAt descending, then ID descending.
type Store interface {
	// AddBuild stores b (whose RecordedAt is already set) and returns it
	// with its new ID.
	AddBuild(ctx context.Context, b Build) (Build, error)
	// Images summarizes every image, most recently recorded first.
	Images(ctx context.Context) ([]ImageSummary, error)
	// Builds returns one page of the builds of image, newest first, or
	// ErrNotFound if the image has no builds at all.
	Builds(ctx context.Context, image string, page PageRequest) (BuildPage, error)
	// Ping checks that the store answers.
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}
