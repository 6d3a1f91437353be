package fsstore

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slipway/libs/testkit"
	"strings"
	"sync"
	"testing"
	"time"

	"slipway/apps/cache/internal/store"
	"slipway/apps/cache/internal/store/storetest"
)

// getBytes reads an entry through Get.
func getBytes(t *testing.T, s *Store, hash string) ([]byte, error) {
	t.Helper()
	e, err := s.Get(context.Background(), hash)
	if err != nil {
		return nil, err
	}
	return storetest.Read(t, e), nil
}

func ctimeOf(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	id, ok := identityOf(fi)
	if !ok {
		testkit.Need(t, "no inode change time on this system: the identity check needs Linux or macOS")
	}
	return id.ctime
}

// TestFlippedByteWithTimesRestored: an entry read once is trusted as long
// as its file is as it was (no hashing on later hits), and a byte changed
// in place, with the same size and with its modification and access
// times put back, is still never served: the change moved the inode
// change time, which no one but the kernel can set.
func TestFlippedByteWithTimesRestored(t *testing.T) {
	s, logs := openStore(t, Options{})
	h, data := storetest.NewHash(t), storetest.Payload(t, 300<<10)
	if err := s.Put(context.Background(), h, int64(len(data)), bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.dir, h)
	time.Sleep(trustMargin + 100*time.Millisecond) // past the racy window (verified.go)
	for range 3 {
		if got, err := getBytes(t, s, h); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("Get: %v", err)
		}
	}
	if st := s.Stats(); st.HashedReads != 1 || st.TrustedReads != 2 {
		t.Fatalf("three hits: %d hashed, %d trusted; want 1 and 2", st.HashedReads, st.TrustedReads)
	}

	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	ctime := ctimeOf(t, path)
	flipByte(t, path, int64(headerLen)+200<<10)
	if err := os.Chtimes(path, before.ModTime(), before.ModTime()); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) || ctimeOf(t, path) == ctime {
		t.Fatalf("the damage was not made as intended: size %d→%d, mtime %v→%v", before.Size(), after.Size(), before.ModTime(), after.ModTime())
	}
	if _, err := getBytes(t, s, h); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after the flip: %v, want ErrNotFound", err)
	}
	if !strings.Contains(logs.String(), "sha256 is") {
		t.Fatalf("not logged:\n%s", logs)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("corrupt entry kept: %v", err)
	}
}

// TestRacyVerificationNotTrusted: a check made within trustMargin of the
// file's last change is not trusted (a write in the same timestamp tick
// would leave no trace), so hits re-hash until the window has passed, and
// a byte flipped in that window is found.
func TestRacyVerificationNotTrusted(t *testing.T) {
	s, _ := openStore(t, Options{})
	h, data := storetest.NewHash(t), storetest.Payload(t, 4096)
	if err := s.Put(context.Background(), h, int64(len(data)), bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := getBytes(t, s, h); err != nil {
			t.Fatal(err)
		}
	}
	if st := s.Stats(); st.HashedReads != 2 || st.TrustedReads != 0 {
		t.Fatalf("hits right after the write: %d hashed, %d trusted", st.HashedReads, st.TrustedReads)
	}
	flipByte(t, filepath.Join(s.dir, h), int64(headerLen)+10)
	if _, err := getBytes(t, s, h); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after a flip in the racy window: %v", err)
	}
}

// TestHitLeavesFileAlone: a hit records its time in memory; the entry
// file's times (and so its inode change time) stay as they were.
func TestHitLeavesFileAlone(t *testing.T) {
	s, _ := openStore(t, Options{})
	if err := s.Put(context.Background(), "5", 1, strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.dir, "5")
	before, _ := os.Stat(path)
	ctime := ctimeOf(t, path)
	time.Sleep(20 * time.Millisecond)
	if _, err := getBytes(t, s, "5"); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if !after.ModTime().Equal(before.ModTime()) || ctimeOf(t, path) != ctime {
		t.Fatalf("a hit changed the file: mtime %v→%v", before.ModTime(), after.ModTime())
	}
	if s.states.lastUse("5") == 0 {
		t.Fatal("the hit was not recorded")
	}
}

// TestLastUseWrittenBack: eviction writes a last use much newer than the
// file's mtime into the file, so that a restarted store still knows it.
func TestLastUseWrittenBack(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s, _ := openStore(t, Options{Now: c.now})
	ctx := context.Background()
	for _, h := range []string{"1", "2"} {
		if err := s.Put(ctx, h, 1, strings.NewReader("x")); err != nil {
			t.Fatal(err)
		}
	}
	c.advance(3 * time.Hour)
	if _, err := getBytes(t, s, "1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Evict(); err != nil {
		t.Fatal(err)
	}
	for h, want := range map[string]time.Time{"1": c.t, "2": c.t.Add(-3 * time.Hour)} {
		fi, err := os.Stat(filepath.Join(s.dir, h))
		if err != nil || !fi.ModTime().Equal(want) {
			t.Fatalf("mtime of %s: %v (%v), want %v", h, fi.ModTime(), err, want)
		}
	}
	// Reopened, with a budget of one entry: "2" is the older one.
	s2, _ := openStore(t, Options{Dir: s.dir, MaxBytes: entrySize(1), Now: c.now})
	if got := names(t, s2); len(got) != 1 || got[0] != "1" {
		t.Fatalf("kept %v", got)
	}
}

// TestScrubFindsDamageUnderUnchangedIdentity: damage that bypasses the
// file system (bit rot) leaves a file's identity as it was, so hits trust
// their earlier check; the scrub hashes every entry anyway, and removes
// the damaged one. The bypass is played by recording a trusted check of
// the damaged file's identity.
func TestScrubFindsDamageUnderUnchangedIdentity(t *testing.T) {
	s, logs := openStore(t, Options{})
	ctx := context.Background()
	good, bad := storetest.NewHash(t), storetest.NewHash(t)
	for _, h := range []string{good, bad} {
		if err := s.Put(ctx, h, 4096, bytes.NewReader(storetest.Payload(t, 4096))); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(s.dir, bad)
	flipByte(t, path, int64(headerLen)+7)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := identityOf(fi)
	s.states.verified(bad, id, time.Now().Add(time.Hour))
	if _, err := s.Get(ctx, bad); err != nil {
		t.Fatalf("the played bypass is not trusted: %v", err) // what the scrub is for
	}

	res := s.ScrubPass(ctx, 1<<30)
	if res.Entries != 2 || res.Corrupt != 1 || res.Bytes != 2*4096 {
		t.Fatalf("scrub pass %+v", res)
	}
	if _, err := s.Get(ctx, bad); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after the scrub: %v", err)
	}
	if _, err := getBytes(t, s, good); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Scrubbed != 1 || st.ScrubPasses != 1 || st.Corrupt != 1 || !strings.Contains(logs.String(), bad) {
		t.Fatalf("stats %+v\n%s", st, logs)
	}
}

// TestScrubRate: a pass reads no faster than its rate, and stops with
// its context.
func TestScrubRate(t *testing.T) {
	s, _ := openStore(t, Options{})
	ctx := context.Background()
	for range 4 {
		if err := s.Put(ctx, storetest.NewHash(t), 100<<10, bytes.NewReader(storetest.Payload(t, 100<<10))); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	if res := s.ScrubPass(ctx, 800<<10); res.Entries != 4 || res.Corrupt != 0 {
		t.Fatalf("scrub pass %+v", res)
	}
	if took := time.Since(start); took < 400*time.Millisecond {
		t.Fatalf("400 KiB at 800 KiB/s took %v", took)
	}
	stopped, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if res := s.ScrubPass(stopped, 100<<10); res.Entries > 1 {
		t.Fatalf("a stopped pass went on: %+v", res)
	}
	if st := s.Stats(); st.ScrubPasses != 1 {
		t.Fatalf("passes %d", st.ScrubPasses)
	}
}

// TestDirSyncShared: concurrent callers share directory fsyncs, and each
// returns only after an fsync that started after its call.
func TestDirSyncShared(t *testing.T) {
	d := newDirSyncer(t.TempDir())
	type span struct{ start, end time.Time }
	var mu sync.Mutex
	var spans []span
	d.syncFn = func(dir string) error {
		start := time.Now()
		time.Sleep(5 * time.Millisecond) // a slow disk
		err := syncDir(dir)
		mu.Lock()
		spans = append(spans, span{start, time.Now()})
		mu.Unlock()
		return err
	}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i%4) * time.Millisecond)
			called := time.Now()
			if err := d.sync(); err != nil {
				t.Error(err)
			}
			returned := time.Now()
			mu.Lock()
			defer mu.Unlock()
			for _, sp := range spans {
				if sp.start.After(called) && !sp.end.After(returned) {
					return
				}
			}
			t.Errorf("caller %d returned without an fsync that started after its call", i)
		}()
	}
	wg.Wait()
	if n := d.count(); n < 1 || n > 8 {
		t.Fatalf("%d fsyncs for 16 concurrent callers", n)
	}
	t.Logf("%d fsyncs for 16 concurrent callers", d.count())
}

// TestDirSyncError: a failed fsync fails its waiters; the next one may
// succeed.
func TestDirSyncError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gone")
	d := newDirSyncer(dir)
	if err := d.sync(); err == nil {
		t.Fatal("fsync of a missing directory succeeded")
	}
	if err := os.Mkdir(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := d.sync(); err != nil {
		t.Fatalf("after the directory came back: %v", err)
	}
}
