// Package store defines how the remote cache keeps its entries: immutable
// blobs (Nx's gzipped tar archives) named by a task hash. Implementations
// live in the subpackages fsstore (local disk, the default) and s3store
// (S3-compatible object storage); storetest holds the behaviour both must
// show.
package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Store keeps cache entries. Entries are immutable: once a hash is stored
// it is never overwritten, only evicted or removed when found corrupt.
// Implementations are safe for concurrent use.
type Store interface {
	// Get returns the entry stored under hash. The entry has passed the
	// store's integrity check before Get returns, so a caller that answers
	// 200 never streams bytes that turn out to be wrong. A missing entry,
	// and one that fails the check (which the store logs and removes),
	// give ErrNotFound. The caller must close the entry's Body.
	Get(ctx context.Context, hash string) (*Entry, error)

	// Exists reports whether an entry is stored under hash, without
	// reading or verifying it: the cheap answer a PUT gets before its body
	// is read. Put still decides a race.
	Exists(ctx context.Context, hash string) (bool, error)

	// Put stores body under hash. size is the declared length in bytes,
	// or -1 when unknown; a body of another length gives ErrSizeMismatch.
	// An entry that already exists, including one published by a
	// concurrent Put of the same hash, gives ErrExists. A failure to read
	// body is returned as a *BodyError. Whatever the error, nothing is
	// left behind: the entry is published completely or not at all.
	Put(ctx context.Context, hash string, size int64, body io.Reader) error
}

// Entry is a stored cache entry.
type Entry struct {
	// Size is the length of Body in bytes.
	Size int64
	// Body yields exactly Size bytes. For the file store it is an *os.File
	// positioned at the payload, so io.CopyN to a response can use
	// sendfile.
	Body io.ReadCloser
}

// Stats describes a store's contents and upkeep, for metrics. Fields a
// store cannot know cheaply are -1.
type Stats struct {
	// Entries and Bytes are the number and total on-disk size of stored
	// entries (-1 when unknown, as for object storage).
	Entries, Bytes int64
	// TempBytes is the size of uploads in progress on local disk, which
	// count against the file store's budget too (-1 when not tracked).
	TempBytes int64
	// EvictedByAge and EvictedBySize count entries removed by eviction
	// since the store was opened.
	EvictedByAge, EvictedBySize int64
	// Corrupt counts entries that failed their integrity check and were
	// removed.
	Corrupt int64
	// HashedReads counts reads that hashed the entry to check it;
	// TrustedReads those that relied on a recorded check of the file as
	// it is (file store).
	HashedReads, TrustedReads int64
	// Scrubbed counts entries re-verified by the background scrub, and
	// ScrubPasses its completed passes over the store.
	Scrubbed, ScrubPasses int64
	// DirSyncs counts fsyncs of the entry directory (shared between
	// concurrent uploads).
	DirSyncs int64
	// PutPhases is the total time uploads spent in each phase, by name
	// (file store: receive, hash, file_sync, publish, dir_sync); nil when
	// not measured.
	PutPhases map[string]time.Duration
}

// StatsReporter is implemented by stores that report Stats.
type StatsReporter interface {
	Stats() Stats
}

// Errors returned by stores; test with errors.Is.
var (
	// ErrNotFound: no (intact) entry is stored under the hash.
	ErrNotFound = errors.New("cache entry not found")
	// ErrExists: an entry is already stored under the hash.
	ErrExists = errors.New("cache entry already exists")
	// ErrSizeMismatch: the body was shorter or longer than declared.
	ErrSizeMismatch = errors.New("body length differs from the declared size")
	// ErrTooLarge: the body is larger than the store can take.
	ErrTooLarge = errors.New("body too large for the store")
	// ErrInvalidHash: the hash is not acceptable as an entry name.
	ErrInvalidHash = errors.New("invalid cache hash")
)

// BodyError reports that reading the body given to Put failed: the client
// went away, the transfer stalled, or a limit (*http.MaxBytesError) was
// hit. It is the client's problem, not the store's.
type BodyError struct {
	// Err is the read error.
	Err error
}

// Error implements error.
func (e *BodyError) Error() string { return "reading the upload: " + e.Err.Error() }

// Unwrap returns the read error.
func (e *BodyError) Unwrap() error { return e.Err }

// MaxHashLen is the longest hash accepted.
const MaxHashLen = 128

// CheckHash reports whether hash may name an entry: 1 to MaxHashLen ASCII
// letters and digits. Nothing else gets near a file path or object key,
// which rules out traversal ("..", "/", "%2F") and surprises.
//
// What Nx 23 sends: a task hash is the decimal string of an unsigned 64-bit
// xxh3 (packages/nx/src/native/hasher.rs: hash() is
// xxh3::xxh3_64(content).to_string(); the task hasher combines parts with
// hashArray, which is the same), so at most 20 digits. A custom task hasher
// (a plugin's hasher) may return any string, so letters are allowed too;
// digits-only would be stricter than Nx itself.
func CheckHash(hash string) error {
	if hash == "" || len(hash) > MaxHashLen {
		return fmt.Errorf("%w: must be 1 to %d letters or digits", ErrInvalidHash, MaxHashLen)
	}
	for i := 0; i < len(hash); i++ {
		c := hash[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return fmt.Errorf("%w: must be 1 to %d letters or digits", ErrInvalidHash, MaxHashLen)
		}
	}
	return nil
}
