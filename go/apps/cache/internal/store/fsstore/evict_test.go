package fsstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"slipway/apps/cache/internal/store"
	"slipway/apps/cache/internal/store/storetest"
	"slipway/libs/testkit"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time             { return c.t }
func (c *clock) advance(d time.Duration)    { c.t = c.t.Add(d) }
func entrySize(payload int) int64           { return int64(headerLen + payload) }
func names(t *testing.T, s *Store) []string { return listEntries(t, s.dir) }

func listEntries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.Type().IsRegular() {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out
}

// TestEvict puts entries "1".."4" (100-byte payloads) an hour apart, then
// reads some (refreshing their last use), moves the clock, and checks what
// one eviction pass keeps.
func TestEvict(t *testing.T) {
	const payload = 100
	one := entrySize(payload)
	tests := []struct {
		name      string
		maxBytes  int64
		maxAge    time.Duration
		read      []string      // read after all puts, an hour apart
		later     time.Duration // clock advance before evicting
		want      []string
		wantAge   int
		wantSize  int
		wantBytes int64
	}{
		{name: "within limits", maxBytes: 4 * one, maxAge: 24 * time.Hour,
			want: []string{"1", "2", "3", "4"}, wantBytes: 4 * one},
		{name: "size: oldest created go first", maxBytes: 2*one + 10,
			want: []string{"3", "4"}, wantSize: 2, wantBytes: 2 * one},
		{name: "size: last use counts, not creation", maxBytes: 2 * one, read: []string{"1"},
			want: []string{"1", "4"}, wantSize: 2, wantBytes: 2 * one},
		{name: "size: budget below one entry empties", maxBytes: 1,
			want: nil, wantSize: 4},
		{name: "age: unused for too long", maxAge: 150 * time.Minute,
			// Created at 0h,1h,2h,3h; evicted at 4h: "1" (4h) and "2" (3h) are too old.
			want: []string{"3", "4"}, wantAge: 2, wantBytes: 2 * one},
		{name: "age: a hit keeps an old entry", maxAge: 150 * time.Minute, read: []string{"1"},
			// "1" read at 4h; at 5h "2" and "3" are 4h and 3h unused.
			want: []string{"1", "4"}, wantAge: 2, wantBytes: 2 * one},
		{name: "age then size", maxAge: 150 * time.Minute, maxBytes: one,
			want: []string{"4"}, wantAge: 2, wantSize: 1, wantBytes: one},
		{name: "no limits", later: 1000 * time.Hour,
			want: []string{"1", "2", "3", "4"}, wantBytes: 4 * one},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			s, _ := openStore(t, Options{MaxBytes: tt.maxBytes, MaxAge: tt.maxAge, Now: c.now})
			ctx := context.Background()
			for _, h := range []string{"1", "2", "3", "4"} {
				if err := s.Put(ctx, h, payload, bytes.NewReader(storetest.Payload(t, payload))); err != nil {
					t.Fatal(err)
				}
				c.advance(time.Hour)
			}
			for _, h := range tt.read {
				e, err := s.Get(ctx, h)
				if err != nil {
					t.Fatal(err)
				}
				e.Body.Close()
				c.advance(time.Hour)
			}
			c.advance(tt.later)
			res, err := s.Evict()
			if err != nil {
				t.Fatal(err)
			}
			if got := names(t, s); !slices.Equal(got, tt.want) {
				t.Fatalf("kept %v, want %v", got, tt.want)
			}
			if res.ByAge != tt.wantAge || res.BySize != tt.wantSize {
				t.Fatalf("result %+v, want byAge %d bySize %d", res, tt.wantAge, tt.wantSize)
			}
			st := s.Stats()
			if st.Entries != int64(len(tt.want)) || st.Bytes != tt.wantBytes ||
				st.EvictedByAge != int64(tt.wantAge) || st.EvictedBySize != int64(tt.wantSize) {
				t.Fatalf("stats %+v", st)
			}
			for _, h := range tt.want {
				if _, err := s.Get(ctx, h); err != nil {
					t.Fatalf("kept entry %s unreadable: %v", h, err)
				}
			}
		})
	}
}

// TestEvictAfterWrites runs the eviction loop with no ticker: a Put that
// takes the store over budget must trigger a pass by itself.
func TestEvictAfterWrites(t *testing.T) {
	const payload = 1000
	s, _ := openStore(t, Options{MaxBytes: 3 * entrySize(payload)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx, 0); close(done) }()
	defer func() { cancel(); <-done }()

	for i := range 10 {
		h := storetest.NewHash(t)
		if err := s.Put(context.Background(), h, payload, bytes.NewReader(storetest.Payload(t, payload))); err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		st := s.Stats()
		if st.Bytes <= 3*entrySize(payload) && len(names(t, s)) == int(st.Entries) {
			if st.EvictedBySize < 7 {
				t.Fatalf("stats %+v: expected at least 7 evictions", st)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still over budget: %+v", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestEvictPeriodically runs the loop with a short interval and an age
// limit: entries age out without any further writes.
func TestEvictPeriodically(t *testing.T) {
	var now atomic.Int64 // unix nanoseconds; the loop reads it concurrently
	now.Store(time.Now().UnixNano())
	s, _ := openStore(t, Options{MaxAge: time.Hour, Now: func() time.Time { return time.Unix(0, now.Load()) }})
	if err := s.Put(context.Background(), "7", 1, bytes.NewReader([]byte("x"))); err != nil {
		t.Fatal(err)
	}
	now.Add(int64(2 * time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx, 20*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(5 * time.Second)
	for len(names(t, s)) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("entry not evicted by age")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := s.Get(context.Background(), "7"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get evicted: %v", err)
	}
}

// holdLock opens path and takes its flock, as a live writer in another
// process holds its upload (flock belongs to the open file, so a second
// open in this process conflicts just as another process would). The
// lock ends when the returned file is closed.
func holdLock(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := tryLock(f); err != nil {
		t.Fatalf("lock %s: %v", path, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestDeadWritersTemporaryFiles: when the store opens, the temporary
// files of writers that are gone (no lock held) are removed at once,
// however fresh; a live writer's (its lock held) is kept and counted as
// temporary bytes until its writer is gone too.
func TestDeadWritersTemporaryFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	tmp := filepath.Join(dir, tmpDirName)
	if err := os.MkdirAll(tmp, 0o750); err != nil {
		t.Fatal(err)
	}
	files := map[string]int{
		"1.dead":                    12 << 10, // a killed writer's partial upload, written a moment ago
		"2.live":                    5000,     // another process's upload in progress
		store.ProbeName + "fresh":   512,      // a readiness probe of another process, in progress (not counted)
		store.ProbeName + "crashed": 512,      // one a crash left behind
	}
	for name, size := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), make([]byte, size), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * probeGrace)
	if err := os.Chtimes(filepath.Join(tmp, store.ProbeName+"crashed"), old, old); err != nil {
		t.Fatal(err)
	}
	live := holdLock(t, filepath.Join(tmp, "2.live"))
	// Files that are not entries are left alone and not counted.
	if err := os.WriteFile(filepath.Join(dir, "README.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}

	s, _ := openStore(t, Options{Dir: dir})
	if got := testkit.DirNames(t, tmp); !slices.Equal(got, []string{store.ProbeName + "fresh", "2.live"}) {
		t.Fatalf("temporary files after open: %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "README.txt")); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Entries != 0 || st.Bytes != 0 || st.TempBytes != 5000 {
		t.Fatalf("stats %+v", st)
	}

	live.Close() // the other process ends
	res, err := s.Evict()
	if err != nil {
		t.Fatal(err)
	}
	if res.StaleTemp != 1 || slices.Contains(testkit.DirNames(t, tmp), "2.live") {
		t.Fatalf("after the writer left: %+v, %v", res, testkit.DirNames(t, tmp))
	}
	if st := s.Stats(); st.TempBytes != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// TestTemporaryBytesCountAgainstBudget: entries plus uploads in progress
// (another process's, and this one's) are kept within MaxBytes.
func TestTemporaryBytesCountAgainstBudget(t *testing.T) {
	const payload = 1000
	one := entrySize(payload)
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s, _ := openStore(t, Options{MaxBytes: 3 * one, Now: c.now})
	ctx := context.Background()
	for _, h := range []string{"1", "2"} {
		if err := s.Put(ctx, h, payload, bytes.NewReader(storetest.Payload(t, payload))); err != nil {
			t.Fatal(err)
		}
		c.advance(time.Hour)
	}
	// Another process uploads the size of one entry.
	foreign := filepath.Join(s.tmp, "9.foreign")
	if err := os.WriteFile(foreign, make([]byte, one), 0o600); err != nil {
		t.Fatal(err)
	}
	holdLock(t, foreign)
	if res, err := s.Evict(); err != nil || res.BySize != 0 {
		t.Fatalf("within budget: %+v %v", res, err)
	}

	// This process uploads one more: while it is in progress the oldest
	// entry goes.
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- s.Put(ctx, "3", payload, pr) }()
	if _, err := pw.Write(make([]byte, payload/2)); err != nil {
		t.Fatal(err)
	}
	// The pipe hands the bytes over before they are written.
	for deadline := time.Now().Add(5 * time.Second); s.Stats().TempBytes != one+int64(headerLen)+payload/2; {
		if time.Now().After(deadline) {
			t.Fatalf("stats during the upload %+v", s.Stats())
		}
		time.Sleep(time.Millisecond)
	}
	res, err := s.Evict()
	if err != nil || res.BySize != 1 || !slices.Equal(names(t, s), []string{"2"}) {
		t.Fatalf("over budget during the upload: %+v %v, kept %v", res, err, names(t, s))
	}
	if !slices.Contains(testkit.DirNames(t, s.tmp), "9.foreign") || len(testkit.DirNames(t, s.tmp)) != 2 {
		t.Fatalf("an eviction pass removed a live upload: %v", testkit.DirNames(t, s.tmp))
	}
	if _, err := pw.Write(make([]byte, payload/2)); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.TempBytes != one || st.Bytes != 2*one {
		t.Fatalf("stats after the upload %+v", st)
	}
}
