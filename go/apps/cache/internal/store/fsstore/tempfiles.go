package fsstore

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"slipway/apps/cache/internal/store"
)

// Uploads in progress live in .tmp, each in a file of its own that its
// writer holds an exclusive flock on until it publishes or removes it. A
// lock dies with its process, so a file whose lock can be taken belongs
// to no live writer: a process that crashed or was killed mid-upload. Such
// files are removed when the store opens and at every eviction pass,
// whatever their age, while another live process sharing the directory
// keeps its uploads (their locks are held). Every process sharing a
// directory must lock its uploads this way. On a file system without
// flock, leftovers are removed once unwritten for staleTmpAge instead.
//
// Temporary bytes count against MaxBytes and are reported as
// Stats.TempBytes: this process's uploads as they are written, other
// processes' as found by the last scan.

var (
	errLocked          = errors.New("locked by another writer")
	errLockUnsupported = errors.New("file locks not supported")
)

// staleTmpAge is how long a temporary file may go unwritten before it is
// removed where locks are not available. It is far longer than any
// upload can stall (the server's progress deadline ends those), so
// another process sharing the directory keeps its uploads.
const staleTmpAge = time.Hour

// probeGrace is how long a readiness probe's file (store.ProbeName) is
// left alone: it lives for a moment, unlocked.
const probeGrace = time.Minute

// temps tracks this process's temporary files.
type temps struct {
	mu    sync.Mutex
	names map[string]struct{}
	// bytes is what this process's uploads have written so far.
	bytes atomic.Int64
	// foreign is the size of other live writers' files at the last scan.
	foreign atomic.Int64
	// noLocks is set once the file system refused a lock.
	noLocks atomic.Bool
}

// tempFile is one upload's temporary file.
type tempFile struct {
	*os.File
	s       *Store
	written int64
}

// budgetCheckEvery is how often, in bytes written, an upload checks
// whether it takes the store over its budget.
const budgetCheckEvery = 8 << 20

// Write writes to the file and counts the bytes as temporary. A large
// upload asks for an eviction pass as soon as it takes the store over
// budget, not only once it is published.
func (t *tempFile) Write(p []byte) (int, error) {
	n, err := t.File.Write(p)
	before := t.written
	t.written += int64(n)
	t.s.temps.bytes.Add(int64(n))
	if t.s.maxBytes > 0 && before/budgetCheckEvery != t.written/budgetCheckEvery {
		t.s.mu.Lock()
		over := t.s.overBudgetLocked()
		t.s.mu.Unlock()
		if over {
			t.s.kickEviction()
		}
	}
	return n, err
}

// WriteAt writes to the file (the header, over bytes already counted).
func (t *tempFile) WriteAt(p []byte, off int64) (int, error) { return t.File.WriteAt(p, off) }

// release stops counting the file's bytes and forgets its name; the
// caller has published or removed it.
func (t *tempFile) release() {
	t.s.temps.bytes.Add(-t.written)
	t.written = 0
	t.s.temps.mu.Lock()
	delete(t.s.temps.names, filepath.Base(t.Name()))
	t.s.temps.mu.Unlock()
}

// createTemp creates and locks a new temporary file for an upload of
// hash. The name is registered before the file exists, so this process's
// scans never take it for a leftover.
func (s *Store) createTemp(hash string) (*tempFile, error) {
	var err error
	for range 5 {
		var rnd [8]byte
		_, _ = rand.Read(rnd[:])
		name := hash + "." + hex.EncodeToString(rnd[:])
		s.temps.mu.Lock()
		s.temps.names[name] = struct{}{}
		s.temps.mu.Unlock()
		var f *os.File
		f, err = os.OpenFile(filepath.Join(s.tmp, name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o640)
		if err != nil {
			s.forget(name)
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			return nil, fmt.Errorf("fsstore: create temporary file: %w", err)
		}
		if err = s.lockNew(f); err == nil {
			return &tempFile{File: f, s: s}, nil
		}
		f.Close()
		s.forget(name)
		if !errors.Is(err, errLocked) {
			_ = os.Remove(f.Name())
			return nil, fmt.Errorf("fsstore: lock temporary file: %w", err)
		}
		// Another process's scan holds it, about to remove it: try anew.
	}
	return nil, fmt.Errorf("fsstore: create temporary file: %w", err)
}

// forget drops a name from this process's temporary files.
func (s *Store) forget(name string) {
	s.temps.mu.Lock()
	delete(s.temps.names, name)
	s.temps.mu.Unlock()
}

// lockNew locks a just-created temporary file and checks that its name
// still points to it: another process's scan may have taken the file for
// a leftover and removed it between the create and the lock.
func (s *Store) lockNew(f *os.File) error {
	err := tryLock(f)
	if errors.Is(err, errLockUnsupported) {
		if !s.temps.noLocks.Swap(true) {
			s.log.Warn("the cache directory has no file locks: leftovers of crashed uploads are removed after an hour",
				slog.Duration("staleAfter", staleTmpAge))
		}
		return nil
	}
	if err != nil {
		return err
	}
	fi, err1 := f.Stat()
	cur, err2 := os.Lstat(f.Name())
	if err1 != nil || err2 != nil || !os.SameFile(fi, cur) {
		return errLocked
	}
	return nil
}

// own reports whether name is one of this process's temporary files.
func (s *Store) own(name string) bool {
	s.temps.mu.Lock()
	defer s.temps.mu.Unlock()
	_, ok := s.temps.names[name]
	return ok
}

// tempScan is what scanTemp found.
type tempScan struct {
	// removed counts leftovers removed.
	removed int
	// foreign is the size of other live writers' files.
	foreign int64
}

// scanTemp removes the temporary files no live writer holds, and sums
// the sizes of other writers' live ones. It records the sum for Stats.
func (s *Store) scanTemp() tempScan {
	var res tempScan
	dirents, err := os.ReadDir(s.tmp)
	if err != nil {
		s.log.Warn("cannot scan temporary directory", slog.Any("err", err))
		return res
	}
	now := time.Now() // temporary files carry the OS's times
	for _, d := range dirents {
		name := d.Name()
		if s.own(name) {
			continue // counted as written
		}
		path := filepath.Join(s.tmp, name)
		fi, err := d.Info()
		if err != nil {
			continue // removed meanwhile
		}
		if strings.HasPrefix(name, store.ProbeName) && now.Sub(fi.ModTime()) < probeGrace {
			continue
		}
		switch s.deadTemp(path, fi, now) {
		case true:
			res.removed++
		default:
			res.foreign += fi.Size()
		}
	}
	s.temps.foreign.Store(res.foreign)
	return res
}

// deadTemp removes the temporary file at path if no live writer holds
// it, and reports whether it did.
func (s *Store) deadTemp(path string, fi fs.FileInfo, now time.Time) bool {
	if !fi.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return errors.Is(err, fs.ErrNotExist) // gone meanwhile: its writer finished
	}
	defer f.Close()
	switch err := tryLock(f); {
	case err == nil:
	case errors.Is(err, errLockUnsupported):
		if now.Sub(fi.ModTime()) < staleTmpAge {
			return false
		}
	default:
		return false // a live writer holds it
	}
	// Holding the lock, the file is ours to remove, unless its name now
	// points elsewhere.
	cur, err := os.Lstat(path)
	if err != nil || !os.SameFile(fi, cur) {
		return false
	}
	return os.Remove(path) == nil
}

// tempBytes is the size of all live temporary files: this process's as
// written, and others' at the last scan.
func (s *Store) tempBytes() int64 { return s.temps.bytes.Load() + s.temps.foreign.Load() }
