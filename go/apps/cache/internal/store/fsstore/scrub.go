package fsstore

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"slipway/apps/cache/internal/store"
)

// Scrub re-verifies every entry (header, length, SHA-256), reading at most
// rate bytes per second, in passes that start every interval, until ctx is
// done; the first pass starts at once. A corrupt entry is logged and
// removed, as a read would. This is what finds damage that bypassed the
// file system (bit rot, writes to the raw device), which leaves a file's
// identity as it was, so reads trust their earlier check (verified.go).
// Each pass also records its checks, so that after a restart the hits on
// scrubbed entries need not hash. It reads through the page cache: an
// entry whose pages are cached is checked as it would be served. rate <= 0
// disables the scrub.
func (s *Store) Scrub(ctx context.Context, rate int64, interval time.Duration) {
	if rate <= 0 || !verifyReads {
		return
	}
	for {
		start := time.Now()
		res := s.ScrubPass(ctx, rate)
		if ctx.Err() != nil {
			return
		}
		s.log.Info("cache scrub pass", slog.Int("entries", res.Entries), slog.Int64("bytes", res.Bytes),
			slog.Int("corrupt", res.Corrupt), slog.Duration("took", time.Since(start)))
		select {
		case <-ctx.Done():
			return
		case <-time.After(max(interval-time.Since(start), 0)):
		}
	}
}

// ScrubResult says what one scrub pass did.
type ScrubResult struct {
	// Entries and Bytes are the entries checked and the bytes read.
	Entries int
	Bytes   int64
	// Corrupt counts the entries found corrupt and removed.
	Corrupt int
}

// ScrubPass checks every entry once, at most rate bytes per second.
func (s *Store) ScrubPass(ctx context.Context, rate int64) ScrubResult {
	var res ScrubResult
	dirents, err := os.ReadDir(s.dir)
	if err != nil {
		s.log.Error("cache scrub: cannot scan the cache directory", slog.Any("err", err))
		return res
	}
	start := time.Now()
	// pace sleeps as long as it takes to keep the pass at rate.
	pace := func(n int) error {
		res.Bytes += int64(n)
		ahead := time.Duration(float64(res.Bytes)/float64(rate)*float64(time.Second)) - time.Since(start)
		if ahead <= 0 {
			return ctx.Err()
		}
		t := time.NewTimer(ahead)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}
	for _, d := range dirents {
		if ctx.Err() != nil {
			return res
		}
		if !d.Type().IsRegular() || store.CheckHash(d.Name()) != nil {
			continue
		}
		switch err := s.scrubEntry(d.Name(), pace); {
		case err == nil:
			res.Entries++
		case errors.As(err, new(errPaceStopped)):
			return res
		case errors.Is(err, fs.ErrNotExist):
			// evicted meanwhile
		default:
			res.Entries++
			res.Corrupt++
		}
	}
	s.scrubPasses.Add(1)
	return res
}

// scrubEntry verifies one entry; a corrupt one is removed.
func (s *Store) scrubEntry(hash string, pace func(int) error) error {
	f, err := os.Open(s.path(hash))
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	id, known := identityOf(fi)
	started := time.Now()
	err = verify(f, fi, pace)
	switch {
	case errors.As(err, new(errPaceStopped)):
		return err
	case err != nil:
		s.discardCorrupt(hash, f, err)
		return err
	}
	s.scrubbed.Add(1)
	if known {
		s.states.verified(hash, id, started)
	}
	return nil
}
