// Package ledger holds the build ledger's domain: the build record, its
// validation, the paging cursor and the Store interface that persistence
// implementations satisfy.
package ledger

import (
	"context"
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
// server-assigned id and time. Its JSON form is what Fingerprint hashes,
// and the hashes are stored with idempotency keys: its json tags are that
// form, not the API's (package apitypes is), and must not change.
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
	// BudgetBytes is the image's size budget in force when the build was
	// recorded (>= 1), or nil when the image has none.
	BudgetBytes *int64 `json:"budgetBytes,omitempty"`
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
	// SBOMDigest is the digest of the image's SBOM document ("sha256:"
	// plus 64 lowercase hex), or nil when none was reported.
	SBOMDigest *string `json:"sbomDigest,omitempty"`
	// SBOMPackages is how many packages the SBOM lists (0..MaxSBOMPackages),
	// or nil when none was reported.
	SBOMPackages *int64 `json:"sbomPackages,omitempty"`
	// Signed says whether the image's digest carries a signature, or is
	// nil when it was not reported. These three fields came after the
	// others: left out when absent, they keep the fingerprints of builds
	// sent without them.
	Signed *bool `json:"signed,omitempty"`
}

// Build is a stored build record.
type Build struct {
	// ID is assigned by the store; ids grow with insertion order.
	ID int64
	NewBuild
	// RecordedAt is when the server recorded the build (UTC, millisecond
	// precision).
	RecordedAt time.Time
}

// ImageSummary describes one image for the overview.
type ImageSummary struct {
	// Image is the image name.
	Image string
	// Project is the project of the latest build of the image.
	Project string
	// Builds is the number of recorded builds (built and reused) of the
	// image.
	Builds int64
	// Latest is the most recently recorded build of the image.
	Latest Build
	// LastBuiltAt is when the newest build with outcome built was
	// recorded, nil if the image was never built.
	LastBuiltAt *time.Time
	// LastReusedAt is when the newest build with outcome reused was
	// recorded, nil if the image was never reused.
	LastReusedAt *time.Time
	// Runs is the number of distinct CI runs with a build of the image.
	Runs int64
	// RunsReused is the number of distinct CI runs that reused the image.
	RunsReused int64
}

// ImageFilter narrows the image overview.
type ImageFilter struct {
	// Project, when not empty, keeps only the images whose latest build
	// belongs to this project.
	Project string
}

// Paging limits of the image overview.
const (
	DefaultImagePageSize = 50
	MaxImagePageSize     = 100
)

// ImagePageRequest asks for one page of the image overview.
type ImagePageRequest struct {
	// Limit is the page size, 1..MaxImagePageSize.
	Limit int
	// After, when non-nil, continues after the image it points at.
	After *ImageCursor
}

// ImagePage is one page of the image overview, newest latest build first.
type ImagePage struct {
	// Images holds up to Limit images.
	Images []ImageSummary
	// Next points at the last image of the page when more follow, and is
	// nil on the last page.
	Next *ImageCursor
}

// BuildFilter narrows the listing of an image's builds.
type BuildFilter struct {
	// Outcome, when not empty, keeps only the builds with this outcome.
	Outcome Outcome
}

// Paging limits of an image's builds.
const (
	DefaultBuildPageSize = 20
	MaxBuildPageSize     = 100
)

// BuildPageRequest asks for one page of an image's builds, newest first.
type BuildPageRequest struct {
	// Limit is the page size, 1..MaxBuildPageSize.
	Limit int
	// After, when non-nil, continues after the build it points at.
	After *BuildCursor
}

// BuildPage is one page of builds, newest first.
type BuildPage struct {
	// Builds holds up to Limit builds.
	Builds []Build
	// Next points at the last build of the page when more builds follow,
	// and is nil on the last page.
	Next *BuildCursor
}

// SizePoint is one build of an image as a point of the size chart.
type SizePoint struct {
	RecordedAt  time.Time
	SizeBytes   int64
	BudgetBytes *int64
	Digest      string
	Outcome     Outcome
	GitSHA      string
}

// Size history limits.
const (
	DefaultSizePoints = 200
	MaxSizePoints     = 1000
)

// RunSummary sums up one CI run: every build recorded with its CI run id.
type RunSummary struct {
	// CIRunID identifies the run.
	CIRunID string
	// GitSHA is the commit of the run's newest build.
	GitSHA string
	// StartedAt and FinishedAt are the first and last RecordedAt.
	StartedAt, FinishedAt time.Time
	// Images is the number of build records of the run; Built and Reused
	// split it by outcome.
	Images, Built, Reused int64
	// DurationMs is the sum of the builds' durations.
	DurationMs int64
}

// Run is one CI run with its builds, ordered by project, then image.
type Run struct {
	RunSummary
	Builds []Build
}

// Paging limits of the CI runs.
const (
	DefaultRunPageSize = 20
	MaxRunPageSize     = 100
)

// RunPageRequest asks for one page of CI runs, newest first.
type RunPageRequest struct {
	// Limit is the page size, 1..MaxRunPageSize.
	Limit int
	// After, when non-nil, continues after the run it points at.
	After *RunCursor
}

// RunPage is one page of CI runs, newest first.
type RunPage struct {
	// Runs holds up to Limit runs.
	Runs []RunSummary
	// Next points at the last run of the page when more runs follow, and is
	// nil on the last page.
	Next *RunCursor
}

// Store persists build records. Implementations must be safe for concurrent
// use. Listing orders by RecordedAt descending, then ID descending.
type Store interface {
	// AddBuild stores b (whose RecordedAt is already set) and returns it
	// with its new ID.
	AddBuild(ctx context.Context, b Build) (Build, error)
	// AddBuildOnce is AddBuild under an idempotency key. The first call
	// with a key stores b; a later one within IdempotencyKeyTTL (of the
	// first one's RecordedAt, by b.RecordedAt) with the same Scope, Key and
	// RequestHash stores nothing and returns the first build with replayed
	// true; with another RequestHash it returns ErrIdempotencyKeyReused.
	AddBuildOnce(ctx context.Context, b Build, key IdempotencyKey) (stored Build, replayed bool, err error)
	// Images returns one page of the images that pass filter, the one
	// whose latest build was recorded most recently first (by that build's
	// RecordedAt, then ID).
	Images(ctx context.Context, filter ImageFilter, page ImagePageRequest) (ImagePage, error)
	// Builds returns one page of the builds of image that pass filter,
	// newest first, or a NotFoundError if the image has no builds at all.
	Builds(ctx context.Context, image string, filter BuildFilter, page BuildPageRequest) (BuildPage, error)
	// Sizes returns the most recent limit builds of image as size points,
	// oldest first, or a NotFoundError if the image has no builds.
	Sizes(ctx context.Context, image string, limit int) ([]SizePoint, error)
	// Runs returns one page of CI runs, newest first (by StartedAt, then
	// CIRunID).
	Runs(ctx context.Context, page RunPageRequest) (RunPage, error)
	// Run returns one CI run with its builds, or a NotFoundError.
	Run(ctx context.Context, ciRunID string) (Run, error)
	// ReleaseStore records the versions released digests were given.
	ReleaseStore
	// Ping checks that the store answers.
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}
