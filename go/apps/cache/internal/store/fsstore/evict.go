package fsstore

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"slipway/apps/cache/internal/store"
)

// staleTmpAge is how long a temporary file may go unwritten before
// eviction removes it as the leftover of a crashed or killed process. It
// is far longer than any upload can stall (the server's progress deadline
// ends those), so another process sharing the directory keeps its
// uploads.
const staleTmpAge = time.Hour

// EvictResult says what one eviction pass removed.
type EvictResult struct {
	// ByAge and BySize count entries removed for being unused longer than
	// MaxAge and to get under MaxBytes.
	ByAge, BySize int
	// Freed is the bytes freed by those removals.
	Freed int64
	// StaleTemp counts leftover temporary files removed.
	StaleTemp int
}

// Run evicts when it starts, every interval and soon after a Put takes
// the store over its budget, until ctx is done. interval <= 0 means only
// after Puts.
func (s *Store) Run(ctx context.Context, interval time.Duration) {
	var tick <-chan time.Time
	if interval > 0 {
		t := time.NewTicker(interval)
		defer t.Stop()
		tick = t.C
	}
	for {
		if _, err := s.Evict(); err != nil {
			s.log.Error("cache eviction failed", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick:
		case <-s.kick:
		}
	}
}

// entryFile is an entry seen by an eviction scan.
type entryFile struct {
	name string
	size int64
	used time.Time
}

// Evict removes entries unused for longer than MaxAge, then, oldest last
// use first, as many as needed to bring the total under MaxBytes, and
// leftover temporary files. It recounts the store's entries and bytes from
// what it finds on disk.
func (s *Store) Evict() (EvictResult, error) {
	var res EvictResult
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()

	dirents, err := os.ReadDir(s.dir)
	if err != nil {
		return res, fmt.Errorf("fsstore: scan cache directory: %w", err)
	}
	var files []entryFile
	var total int64
	for _, d := range dirents {
		if !d.Type().IsRegular() || store.CheckHash(d.Name()) != nil {
			continue // .tmp and anything that is not ours
		}
		fi, err := d.Info()
		if err != nil {
			continue // removed meanwhile
		}
		files = append(files, entryFile{name: d.Name(), size: fi.Size(), used: fi.ModTime()})
		total += fi.Size()
	}

	remove := func(f entryFile) bool {
		if err := os.Remove(filepath.Join(s.dir, f.name)); err != nil && !os.IsNotExist(err) {
			s.log.Error("cannot evict cache entry", slog.String("hash", f.name), slog.Any("err", err))
			return false
		}
		total -= f.size
		res.Freed += f.size
		return true
	}
	kept := files[:0]
	for _, f := range files {
		if s.maxAge > 0 && now.Sub(f.used) > s.maxAge && remove(f) {
			res.ByAge++
			continue
		}
		kept = append(kept, f)
	}
	if s.maxBytes > 0 && total > s.maxBytes {
		slices.SortFunc(kept, func(a, b entryFile) int {
			if c := a.used.Compare(b.used); c != 0 {
				return c
			}
			return strings.Compare(a.name, b.name)
		})
		var rest []entryFile
		for _, f := range kept {
			if total > s.maxBytes && remove(f) {
				res.BySize++
				continue
			}
			rest = append(rest, f)
		}
		kept = rest
	}

	// Temporary files carry the OS's times, so they go by the real clock.
	res.StaleTemp = s.removeStaleTemp(time.Now())
	s.stats.Entries = int64(len(kept))
	s.stats.Bytes = total
	s.stats.EvictedByAge += int64(res.ByAge)
	s.stats.EvictedBySize += int64(res.BySize)
	if res.ByAge+res.BySize+res.StaleTemp > 0 {
		s.log.Info("cache eviction", slog.Int("byAge", res.ByAge), slog.Int("bySize", res.BySize),
			slog.Int64("freedBytes", res.Freed), slog.Int("staleTemp", res.StaleTemp),
			slog.Int64("entries", s.stats.Entries), slog.Int64("bytes", s.stats.Bytes))
	}
	return res, nil
}

// removeStaleTemp removes temporary files not written for staleTmpAge.
func (s *Store) removeStaleTemp(now time.Time) int {
	dirents, err := os.ReadDir(s.tmp)
	if err != nil {
		s.log.Warn("cannot scan temporary directory", slog.Any("err", err))
		return 0
	}
	n := 0
	for _, d := range dirents {
		fi, err := d.Info()
		if err != nil || now.Sub(fi.ModTime()) < staleTmpAge {
			continue
		}
		if os.Remove(filepath.Join(s.tmp, d.Name())) == nil {
			n++
		}
	}
	return n
}
