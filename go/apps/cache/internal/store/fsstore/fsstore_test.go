package fsstore

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"slipway/apps/cache/internal/store"
	"slipway/apps/cache/internal/store/storetest"
	"slipway/libs/testkit"
)

// openStore opens a store in a fresh directory.
func openStore(t *testing.T, opts Options) (*Store, *testkit.SyncBuffer) {
	t.Helper()
	logs := &testkit.SyncBuffer{}
	if opts.Dir == "" {
		opts.Dir = filepath.Join(t.TempDir(), "cache")
	}
	opts.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	s, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, logs
}

// leftovers lists the files in the temporary directory.
func leftovers(t *testing.T, s *Store) []string {
	t.Helper()
	return testkit.DirNames(t, s.tmp)
}

// TestStoreBehaviour runs the behaviour shared with the S3 store.
func TestStoreBehaviour(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Subject {
		s, logs := openStore(t, Options{})
		return storetest.Subject{
			Store: s,
			Corrupt: func(t *testing.T, hash string) {
				f, err := os.OpenFile(filepath.Join(s.dir, hash), os.O_RDWR, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if _, err := f.WriteAt([]byte("XX"), int64(headerLen)+100); err != nil {
					t.Fatal(err)
				}
			},
			Leftovers: func(t *testing.T) []string { return leftovers(t, s) },
			Logs:      logs.String,
		}
	})
}

// TestEntryFile checks what a Put publishes: one file named by the hash,
// with the header (checksum and size) and the payload, and the stats.
func TestEntryFile(t *testing.T) {
	s, _ := openStore(t, Options{})
	ctx := context.Background()
	if err := s.Put(ctx, "123", 5, strings.NewReader("hello")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(s.dir, "123"))
	if err != nil {
		t.Fatal(err)
	}
	want := "SLIPWAY-CACHE-1\n" +
		"sha256 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\n" +
		"size 00000000000000000005\n" +
		"hello"
	if string(b) != want {
		t.Fatalf("entry file:\n%q\nwant\n%q", b, want)
	}
	if st := s.Stats(); st.Entries != 1 || st.Bytes != int64(len(want)) {
		t.Fatalf("stats %+v", st)
	}
	// A reopened store counts what is on disk.
	s2, _ := openStore(t, Options{Dir: s.dir})
	if st := s2.Stats(); st.Entries != 1 || st.Bytes != int64(len(want)) {
		t.Fatalf("stats after reopen %+v", st)
	}
}

// TestCorruptionKinds damages entries in different ways; each must be
// detected before anything is returned.
func TestCorruptionKinds(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
		reason string
	}{
		{"payload byte flipped", func(t *testing.T, path string) { flipByte(t, path, int64(headerLen)+3) }, "sha256 is"},
		{"truncated payload", func(t *testing.T, path string) { truncate(t, path, int64(headerLen)+10) }, "payload is 10 bytes"},
		{"appended bytes", func(t *testing.T, path string) { appendBytes(t, path, "junk") }, "header says 64"},
		{"truncated header", func(t *testing.T, path string) { truncate(t, path, 20) }, "short header"},
		{"header checksum damaged", func(t *testing.T, path string) { flipByte(t, path, int64(len(headerMagic))+10) }, "sha256"},
		{"bad magic", func(t *testing.T, path string) { flipByte(t, path, 0) }, "bad magic"},
		{"bad size field", func(t *testing.T, path string) { flipByte(t, path, int64(headerLen)-5) }, "size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, logs := openStore(t, Options{})
			ctx := context.Background()
			h := storetest.NewHash(t)
			if err := s.Put(ctx, h, 64, bytes.NewReader(storetest.Payload(t, 64))); err != nil {
				t.Fatal(err)
			}
			tt.damage(t, filepath.Join(s.dir, h))
			if _, err := s.Get(ctx, h); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Get: %v, want ErrNotFound", err)
			}
			if !strings.Contains(logs.String(), tt.reason) {
				t.Fatalf("log lacks %q:\n%s", tt.reason, logs)
			}
			if _, err := os.Stat(filepath.Join(s.dir, h)); !os.IsNotExist(err) {
				t.Fatalf("corrupt entry not removed: %v", err)
			}
			// The next eviction pass (which the removal requests) recounts.
			if _, err := s.Evict(); err != nil {
				t.Fatal(err)
			}
			if st := s.Stats(); st.Entries != 0 || st.Bytes != 0 || st.Corrupt != 1 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

func flipByte(t *testing.T, path string, off int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x5a
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

func truncate(t *testing.T, path string, size int64) {
	t.Helper()
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
}

func appendBytes(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// TestPutDiskFailure makes the temporary directory unwritable: the error
// must be the store's (not a BodyError) and nothing is published.
func TestPutDiskFailure(t *testing.T) {
	s, _ := openStore(t, Options{})
	if err := os.RemoveAll(s.tmp); err != nil {
		t.Fatal(err)
	}
	err := s.Put(context.Background(), "42", 1, strings.NewReader("x"))
	var be *store.BodyError
	if err == nil || errors.As(err, &be) || errors.Is(err, store.ErrExists) {
		t.Fatalf("Put with no temporary directory: %v", err)
	}
	if _, err := s.Get(context.Background(), "42"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get: %v", err)
	}
}

// TestPutCancelled stops an upload through its context.
func TestPutCancelled(t *testing.T) {
	s, _ := openStore(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Put(ctx, "43", 1, strings.NewReader("x"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Put: %v", err)
	}
	if left := leftovers(t, s); len(left) > 0 {
		t.Fatalf("left behind %v", left)
	}
}
