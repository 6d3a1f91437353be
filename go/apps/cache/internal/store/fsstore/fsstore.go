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
// A Put writes to a temporary file while hashing it, checks the byte
// count against the declared size, fsyncs the file, publishes it with
// os.Link, which fails if the name exists (an entry is never replaced,
// and of two concurrent writers of one hash exactly one wins), and fsyncs
// the directory (shared between concurrent writers, dirsync.go) before it
// returns. A Get checks the entry against its header before handing the
// file out, hashing it only when the file changed since its last check
// (verified.go); a scrub re-hashes every entry at a bounded rate
// (scrub.go). A corrupt entry is logged, removed and reported as absent.
// Eviction (evict.go) keeps the directory within a byte budget and an age
// limit, oldest last use first; last use is kept in memory and written to
// the files' mtimes now and then.
//
// One file over 300 lines: Get, Put and their crash rules read best side by side.
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
	"sync/atomic"
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
	// With a clock of its own, a Put also sets the entry's mtime by it.
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
	// ownClock is set when Options.Now was given (tests).
	ownClock bool

	// mu guards stats and serializes publishing with eviction, so the
	// counters always match what is on disk.
	mu    sync.Mutex
	stats store.Stats
	// kick asks the eviction loop (Run) for an early pass.
	kick chan struct{}
	// temps tracks uploads in progress (tempfiles.go).
	temps temps
	// states holds verifications and last uses (verified.go).
	states states
	// dirSync shares directory fsyncs between writers (dirsync.go).
	dirSync *dirSyncer
	// counters for Stats, outside mu: they change on every hit.
	hashedReads, trustedReads atomic.Int64
	scrubbed, scrubPasses     atomic.Int64
	putPhases                 [numPhases]atomic.Int64 // nanoseconds
}

// Phases of a Put, timed for metrics.
const (
	phaseReceive  = iota // reading the body and writing the file
	phaseHash            // hashing it (on the way)
	phaseFileSync        // fsync of the file
	phasePublish         // close, link, removal of the temporary name
	phaseDirSync         // fsync of the directory
	numPhases
)

// PhaseNames are the names of the Put phases in Stats.PutPhases.
var PhaseNames = [numPhases]string{"receive", "hash", "file_sync", "publish", "dir_sync"}

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
	ownClock := opts.Now != nil
	if !ownClock {
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
		ownClock: ownClock,
		kick:     make(chan struct{}, 1),
		dirSync:  newDirSyncer(opts.Dir),
	}
	s.temps.names = map[string]struct{}{}
	s.states.m = map[string]*entryState{}
	if !verifyReads {
		s.log.Warn("built with slipway_noverify: entries are served without their integrity check (benchmarks only)")
	}
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
	st.HashedReads, st.TrustedReads = s.hashedReads.Load(), s.trustedReads.Load()
	st.Scrubbed, st.ScrubPasses = s.scrubbed.Load(), s.scrubPasses.Load()
	st.DirSyncs = int64(s.dirSync.count())
	st.PutPhases = map[string]time.Duration{}
	for i, name := range PhaseNames {
		st.PutPhases[name] = time.Duration(s.putPhases[i].Load())
	}
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

	t0 := time.Now()
	rec, err := writePayload(ctx, f, size, body)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(header{sum: rec.Sum, size: rec.N}.marshal(), 0); err != nil {
		return fmt.Errorf("fsstore: write header: %w", err)
	}
	t1 := time.Now()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("fsstore: sync: %w", err)
	}
	t2 := time.Now()
	if err := f.Close(); err != nil {
		return fmt.Errorf("fsstore: close: %w", err)
	}
	// Closed, the file is unlocked, but still registered as this
	// process's until release, so no scan here removes it; another
	// process's scan could, and then Link fails and nothing is published.
	if s.ownClock {
		now := s.now()
		if err := os.Chtimes(f.Name(), now, now); err != nil {
			return fmt.Errorf("fsstore: set times: %w", err)
		}
	}

	s.mu.Lock()
	// Link fails with EEXIST instead of replacing: the no-overwrite rule
	// and the race between two writers of one hash are settled here.
	err = os.Link(f.Name(), final)
	if err == nil {
		s.stats.Entries++
		s.stats.Bytes += int64(headerLen) + rec.N
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
	t3 := time.Now()
	if over {
		s.kickEviction()
	}
	// The entry is readable now; the answer waits until its name is
	// durable too. Should that fail, the entry stays (it is whole) but
	// the upload is not acknowledged.
	if err := s.dirSync.sync(); err != nil {
		return fmt.Errorf("fsstore: sync cache directory: %w", err)
	}
	t4 := time.Now()
	for phase, d := range [numPhases]time.Duration{
		phaseReceive: t1.Sub(t0) - rec.HashTime, phaseHash: rec.HashTime,
		phaseFileSync: t2.Sub(t1), phasePublish: t3.Sub(t2), phaseDirSync: t4.Sub(t3),
	} {
		s.putPhases[phase].Add(int64(d))
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

// writePayload writes room for the header, then the payload, to f.
func writePayload(ctx context.Context, f *tempFile, size int64, body io.Reader) (store.Received, error) {
	if _, err := f.Write(make([]byte, headerLen)); err != nil {
		return store.Received{}, fmt.Errorf("fsstore: write: %w", err)
	}
	rec, err := store.ReceiveBody(ctx, f, size, body)
	var be *store.BodyError
	if err != nil && !errors.Is(err, store.ErrSizeMismatch) && !errors.As(err, &be) {
		err = fmt.Errorf("fsstore: %w", err)
	}
	return rec, err
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

// Get implements store.Store. The entry is checked against its header
// (length and SHA-256) before it is handed out, so a caller never starts
// a 200 response for an entry that is then found damaged; the check
// hashes the file only when it changed since its last check (verified.go).
// The hit is recorded in memory as the entry's last use.
func (s *Store) Get(_ context.Context, hash string) (*store.Entry, error) {
	if err := store.CheckHash(hash); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("fsstore: open entry: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("fsstore: stat entry: %w", err)
	}
	if err := s.check(hash, f, fi); err != nil {
		s.discardCorrupt(hash, f, err)
		f.Close()
		return nil, store.ErrNotFound
	}
	if _, err := f.Seek(int64(headerLen), io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("fsstore: seek: %w", err)
	}
	s.states.getOrAdd(hash).lastUse.Store(s.now().UnixNano())
	return &store.Entry{Size: fi.Size() - int64(headerLen), Body: f}, nil
}

// check verifies the entry file f of hash, whose stat is fi, unless a
// trusted verification of it as it is now is on record; a verification
// made here is recorded.
func (s *Store) check(hash string, f *os.File, fi fs.FileInfo) error {
	if !verifyReads {
		if fi.Size() < int64(headerLen) {
			return fmt.Errorf("short header: %d bytes", fi.Size())
		}
		return nil
	}
	id, known := identityOf(fi)
	if known && s.states.trusts(hash, id) {
		s.trustedReads.Add(1)
		return nil
	}
	started := time.Now()
	if err := verify(f, fi, nil); err != nil {
		return err
	}
	s.hashedReads.Add(1)
	if known {
		s.states.verified(hash, id, started)
	}
	return nil
}

// readBufs are the buffers verification reads entries in.
var readBufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// verify checks an entry file against its header: length and SHA-256. It
// reads the whole payload, with ReadAt (the file offset is left alone),
// calling pace after each chunk when it is not nil.
func verify(f *os.File, fi fs.FileInfo, pace func(n int) error) error {
	hb := make([]byte, headerLen)
	if n, err := f.ReadAt(hb, 0); n < headerLen {
		return fmt.Errorf("short header: %d bytes (%v)", n, err)
	}
	h, err := parseHeader(hb)
	if err != nil {
		return err
	}
	if got := fi.Size() - int64(headerLen); got != h.size {
		return fmt.Errorf("payload is %d bytes, header says %d", got, h.size)
	}
	bufp := readBufs.Get().(*[]byte)
	defer readBufs.Put(bufp)
	buf := *bufp
	sum := sha256.New()
	var read int64
	for off := int64(headerLen); ; {
		n, err := f.ReadAt(buf, off)
		sum.Write(buf[:n])
		off += int64(n)
		read += int64(n)
		if pace != nil && n > 0 {
			if err := pace(n); err != nil {
				return errPaceStopped{err}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read payload: %w", err)
		}
	}
	if read != h.size {
		return fmt.Errorf("payload is %d bytes, header says %d", read, h.size)
	}
	if got := sum.Sum(nil); string(got) != string(h.sum[:]) {
		return fmt.Errorf("sha256 is %x, header says %x", got, h.sum)
	}
	return nil
}

// errPaceStopped: a paced verification was stopped (the scrub's context
// ended); it says nothing about the entry.
type errPaceStopped struct{ err error }

func (e errPaceStopped) Error() string { return "verification stopped: " + e.err.Error() }

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
	s.states.remove(hash)
	// The file may have changed size since it was counted: ask the
	// eviction loop for a pass, which recounts.
	s.stats.Entries--
	s.stats.Bytes -= fi.Size()
	s.kickEviction()
}
