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

// EvictResult says what one eviction pass removed.
type EvictResult struct {
	// ByAge and BySize count entries removed for being unused longer than
	// MaxAge and to get under MaxBytes.
	ByAge, BySize int
	// Freed is the bytes freed by those removals.
	Freed int64
	// StaleTemp counts leftover temporary files (of writers that are
	// gone) removed.
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
	// used is the last use: the later of the file's mtime and the last
	// hit recorded in memory, in which case mtime is the file's.
	used, mtime time.Time
}

// lastUseFlush is how much newer than its file's mtime an entry's last
// use must be before an eviction pass writes it there, so that it
// survives a restart. Writing times changes the file's ctime, so the next
// hit on the entry hashes it again: about once per hour for an entry in
// use.
const lastUseFlush = time.Hour

// Evict removes the temporary files of writers that are gone, entries
// unused for longer than MaxAge, then, oldest last use first, as many
// entries as needed to bring the total under MaxBytes, counting the live
// temporary files (uploads in progress) in the total. It recounts the
// store's entries and bytes from what it finds on disk.
func (s *Store) Evict() (EvictResult, error) {
	var res EvictResult
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	res.StaleTemp = s.scanTemp().removed
	temp := s.tempBytes()

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
		f := entryFile{name: d.Name(), size: fi.Size(), used: fi.ModTime()}
		if lu := s.states.lastUse(f.name); lu > f.used.UnixNano() {
			f.used, f.mtime = time.Unix(0, lu), fi.ModTime()
		}
		files = append(files, f)
		total += fi.Size()
	}

	remove := func(f entryFile) bool {
		if err := os.Remove(filepath.Join(s.dir, f.name)); err != nil && !os.IsNotExist(err) {
			s.log.Error("cannot evict cache entry", slog.String("hash", f.name), slog.Any("err", err))
			return false
		}
		s.states.remove(f.name)
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
	if s.maxBytes > 0 && total+temp > s.maxBytes {
		slices.SortFunc(kept, func(a, b entryFile) int {
			if c := a.used.Compare(b.used); c != 0 {
				return c
			}
			return strings.Compare(a.name, b.name)
		})
		var rest []entryFile
		for _, f := range kept {
			if total+temp > s.maxBytes && remove(f) {
				res.BySize++
				continue
			}
			rest = append(rest, f)
		}
		kept = rest
	}

	names := make(map[string]bool, len(kept))
	for _, f := range kept {
		names[f.name] = true
		if !f.mtime.IsZero() && f.used.Sub(f.mtime) > lastUseFlush {
			_ = os.Chtimes(filepath.Join(s.dir, f.name), f.used, f.used) // gone meanwhile: nothing to keep
		}
	}
	// Forget entries whose files are gone (removed by another process).
	s.states.keepOnly(func(h string) bool { return names[h] })
	s.stats.Entries = int64(len(kept))
	s.stats.Bytes = total
	s.stats.EvictedByAge += int64(res.ByAge)
	s.stats.EvictedBySize += int64(res.BySize)
	if res.ByAge+res.BySize+res.StaleTemp > 0 {
		s.log.Info("cache eviction", slog.Int("byAge", res.ByAge), slog.Int("bySize", res.BySize),
			slog.Int64("freedBytes", res.Freed), slog.Int("staleTemp", res.StaleTemp),
			slog.Int64("entries", s.stats.Entries), slog.Int64("bytes", s.stats.Bytes), slog.Int64("tempBytes", temp))
	}
	return res, nil
}
