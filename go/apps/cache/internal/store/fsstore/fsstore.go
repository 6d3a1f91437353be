// Package fsstore keeps remote cache entries as files in one directory:
// the embedded default store.
//
// Layout of Dir:
//
//	<hash>        published entries (header with SHA-256 and size, then
//	              the payload; see format.go), named by the validated hash
//	.tmp/         uploads in progress, each locked by its writer; same
//	              file system, so publishing is a hard link (tempfiles.go)
//
// A Put writes to a temporary file, fsyncs it, checks the byte count
// against the declared size and publishes it with os.Link, which fails
// if the name exists: an entry is never replaced, and of two concurrent
// writers of one hash exactly one wins. A Get verifies the SHA-256 before
// handing the file out; a corrupt entry is logged, removed and reported as
// absent. Eviction (evict.go) keeps the directory within a byte budget and
// an age limit, oldest last use first; a hit refreshes an entry's mtime,
// which serves as its last-use time.
package fsstore

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"slipway/apps/cache/internal/store"
)

// tmpDirName is the subdirectory for uploads in progress. Its leading dot
// keeps it apart from entry names, which CheckHash limits to [A-Za-z0-9].
const tmpDirName = ".tmp"

// Options configures a Store.
type Options struct {
	// Dir is the cache directory; created if missing.
	Dir string
	// MaxBytes is the budget for the total size of entries; 0 means none.
	MaxBytes int64
	// MaxAge removes entries not used for longer; 0 means no age limit.
	MaxAge time.Duration
	// Logger receives corruption reports and eviction summaries.
	Logger *slog.Logger
	// Now is the clock for last-use times and eviction; time.Now if nil.
	Now func() time.Time
	// MinFreeBytes is the free space below which Ready reports the store
	// not ready; 0 means no minimum.
	MinFreeBytes int64
}

// Store is a store.Store on the local file system. Create it with Open.
type Store struct {
	dir, tmp string
	maxBytes int64
	maxAge   time.Duration
	minFree  int64
	log      *slog.Logger
	now      func() time.Time

	// mu guards stats and serializes publishing with eviction, so the
	// counters always match what is on disk.
	mu    sync.Mutex
	stats store.Stats
	// kick asks the eviction loop (Run) for an early pass.
	kick chan struct{}
	// temps tracks uploads in progress (tempfiles.go).
	temps temps
}

var (
	_ store.Store            = (*Store)(nil)
	_ store.StatsReporter    = (*Store)(nil)
	_ store.ReadinessChecker = (*Store)(nil)
)

// Open prepares dir (creating it if needed), removes the temporary files
// of writers that are gone (tempfiles.go) and counts the entries present.
func Open(opts Options) (*Store, error) {
	if opts.Dir == "" {
		return nil, errors.New("fsstore: no directory given")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Store{
		dir:      opts.Dir,
		tmp:      filepath.Join(opts.Dir, tmpDirName),
		maxBytes: opts.MaxBytes,
		maxAge:   opts.MaxAge,
		minFree:  opts.MinFreeBytes,
		log:      opts.Logger,
		now:      opts.Now,
		kick:     make(chan struct{}, 1),
	}
	s.temps.names = map[string]struct{}{}
	if err := os.MkdirAll(s.tmp, 0o750); err != nil {
		return nil, fmt.Errorf("fsstore: create cache directory: %w", err)
	}
	if _, err := s.Evict(); err != nil {
		return nil, err
	}
	return s, nil
}

// Ready implements store.ReadinessChecker: the directory has the free
// space required, and a file can be written and synced in .tmp and linked
// into the directory, as a Put does.
func (s *Store) Ready(context.Context) error {
	return store.ProbeDir(s.tmp, s.dir, "the cache directory", s.minFree)
}

// Dir returns the cache directory.
func (s *Store) Dir() string { return s.dir }

// Stats implements store.StatsReporter.
func (s *Store) Stats() store.Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.TempBytes = s.tempBytes()
	return st
}

// path returns the file of a validated hash.
func (s *Store) path(hash string) string { return filepath.Join(s.dir, hash) }

// Put implements store.Store.
func (s *Store) Put(ctx context.Context, hash string, size int64, body io.Reader) error {
	if err := store.CheckHash(hash); err != nil {
		return err
	}
	final := s.path(hash)
	if _, err := os.Lstat(final); err == nil {
		return store.ErrExists // cheap early answer; Link below decides
	}
	f, err := s.createTemp(hash)
	if err != nil {
		return err
	}
	published := false
	defer func() {
		if !published {
			f.Close()
			os.Remove(f.Name())
		}
		f.release()
	}()

	n, sum, err := writePayload(ctx, f, size, body)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(header{sum: sum, size: n}.marshal(), 0); err != nil {
		return fmt.Errorf("fsstore: write header: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("fsstore: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("fsstore: close: %w", err)
	}
	// Closed, the file is unlocked, but still registered as this
	// process's until release, so no scan here removes it; another
	// process's scan could, and then Link fails and nothing is published.
	now := s.now()
	if err := os.Chtimes(f.Name(), now, now); err != nil {
		return fmt.Errorf("fsstore: set times: %w", err)
	}

	s.mu.Lock()
	// Link fails with EEXIST instead of replacing: the no-overwrite rule
	// and the race between two writers of one hash are settled here.
	err = os.Link(f.Name(), final)
	if err == nil {
		s.stats.Entries++
		s.stats.Bytes += int64(headerLen) + n
	}
	over := s.overBudgetLocked()
	s.mu.Unlock()
	if errors.Is(err, fs.ErrExist) {
		return store.ErrExists
	}
	if err != nil {
		return fmt.Errorf("fsstore: publish: %w", err)
	}
	published = true
	_ = os.Remove(f.Name()) // the entry keeps the inode
	if err := syncDir(s.dir); err != nil {
		s.log.Warn("cannot sync cache directory", slog.Any("err", err))
	}
	if over {
		s.kickEviction()
	}
	return nil
}

// overBudgetLocked reports whether entries and temporary files together
// exceed MaxBytes; s.mu is held.
func (s *Store) overBudgetLocked() bool {
	return s.maxBytes > 0 && s.stats.Bytes+s.tempBytes() > s.maxBytes
}

// kickEviction asks the eviction loop for a pass soon.
func (s *Store) kickEviction() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// writePayload writes room for the header, then the payload, to f; it
// returns the payload's length and SHA-256.
func writePayload(ctx context.Context, f *tempFile, size int64, body io.Reader) (int64, [32]byte, error) {
	if _, err := f.Write(make([]byte, headerLen)); err != nil {
		return 0, [32]byte{}, fmt.Errorf("fsstore: write: %w", err)
	}
	n, sum, err := store.ReceiveBody(ctx, f, size, body)
	var be *store.BodyError
	if err != nil && !errors.Is(err, store.ErrSizeMismatch) && !errors.As(err, &be) {
		err = fmt.Errorf("fsstore: %w", err)
	}
	return n, sum, err
}

// Exists implements store.Store.
func (s *Store) Exists(_ context.Context, hash string) (bool, error) {
	if err := store.CheckHash(hash); err != nil {
		return false, err
	}
	_, err := os.Lstat(s.path(hash))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	default:
		return false, fmt.Errorf("fsstore: stat entry: %w", err)
	}
}

// Get implements store.Store.
func (s *Store) Get(_ context.Context, hash string) (*store.Entry, error) {
	if err := store.CheckHash(hash); err != nil {
		return nil, err
	}
	path := s.path(hash)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("fsstore: open entry: %w", err)
	}
	if err := verify(f); err != nil {
		s.discardCorrupt(hash, f, err)
		f.Close()
		return nil, store.ErrNotFound
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("fsstore: stat entry: %w", err)
	}
	if _, err := f.Seek(int64(headerLen), io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("fsstore: seek: %w", err)
	}
	// The mtime is the last-use time that eviction goes by.
	now := s.now()
	if err := os.Chtimes(path, now, now); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("cannot refresh cache entry time", slog.String("hash", hash), slog.Any("err", err))
	}
	return &store.Entry{Size: fi.Size() - int64(headerLen), Body: f}, nil
}

// verify checks an entry file against its header: length and SHA-256. It
// reads the whole payload, so a caller never starts a 200 response for an
// entry that is then found to be damaged.
func verify(f *os.File) error {
	buf := make([]byte, headerLen)
	if _, err := io.ReadFull(f, buf); err != nil {
		return fmt.Errorf("short header: %w", err)
	}
	h, err := parseHeader(buf)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if got := fi.Size() - int64(headerLen); got != h.size {
		return fmt.Errorf("payload is %d bytes, header says %d", got, h.size)
	}
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return fmt.Errorf("read payload: %w", err)
	}
	if got := sum.Sum(nil); string(got) != string(h.sum[:]) {
		return fmt.Errorf("sha256 is %x, header says %x", got, h.sum)
	}
	return nil
}

// discardCorrupt logs and removes an entry that failed verification,
// unless the name meanwhile points to another file.
func (s *Store) discardCorrupt(hash string, f *os.File, reason error) {
	s.log.Error("corrupt cache entry: removing it and answering as absent",
		slog.String("hash", hash), slog.String("reason", reason.Error()))
	path := s.path(hash)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Corrupt++
	fi, err1 := f.Stat()
	cur, err2 := os.Lstat(path)
	if err1 != nil || err2 != nil || !os.SameFile(fi, cur) {
		return
	}
	if err := os.Remove(path); err != nil {
		s.log.Error("cannot remove corrupt cache entry", slog.String("hash", hash), slog.Any("err", err))
		return
	}
	// The file may have changed size since it was counted: ask the
	// eviction loop for a pass, which recounts.
	s.stats.Entries--
	s.stats.Bytes -= fi.Size()
	s.kickEviction()
}

// syncDir fsyncs a directory so that a new name in it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
