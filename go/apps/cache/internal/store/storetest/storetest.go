// Package storetest is the behaviour every store.Store must show, as one
// table of tests that each backend's own tests run against a live
// instance: put and get, no overwrite, concurrent writers, short and long
// bodies leaving nothing behind, failing uploads, corruption detected and
// answered as absent, invalid hashes refused.
package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"slipway/apps/cache/internal/store"
)

// Subject is a store under test plus the hooks the shared tests need.
type Subject struct {
	// Store is the store under test.
	Store store.Store
	// Corrupt damages the stored entry of hash behind the store's back
	// (flips payload bytes, keeping its recorded checksum).
	Corrupt func(t *testing.T, hash string)
	// Leftovers lists temporary files or objects the store has left
	// behind; it must be empty whenever no Put is running.
	Leftovers func(t *testing.T) []string
	// Logs returns what the store logged so far.
	Logs func() string
}

// NewHash returns a fresh decimal hash like the ones Nx sends, unique
// enough that tests sharing a bucket never collide.
func NewHash(t *testing.T) string {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, c := range b {
		n = n<<8 | uint64(c)
	}
	return fmt.Sprint(n)
}

// Payload returns n random bytes.
func Payload(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// Read reads a whole entry and closes it, checking Size against the bytes.
func Read(t *testing.T, e *store.Entry) []byte {
	t.Helper()
	defer e.Body.Close()
	b, err := io.ReadAll(e.Body)
	if err != nil {
		t.Fatalf("read entry: %v", err)
	}
	if int64(len(b)) != e.Size {
		t.Fatalf("entry Size %d, body %d bytes", e.Size, len(b))
	}
	return b
}

// failingReader yields data, then fails with err.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// Run runs the shared behaviour table; open returns a fresh Subject (it
// may share a backend between calls as long as hashes do not collide).
func Run(t *testing.T, open func(t *testing.T) Subject) {
	ctx := context.Background()
	errBroken := errors.New("connection reset by test")

	tests := []struct {
		name string
		test func(t *testing.T, s Subject)
	}{
		{"put then get returns the bytes", func(t *testing.T, s Subject) {
			for _, size := range []int{0, 1, 1000, 3 << 20} {
				h, data := NewHash(t), Payload(t, size)
				if err := s.Store.Put(ctx, h, int64(size), bytes.NewReader(data)); err != nil {
					t.Fatalf("Put %d bytes: %v", size, err)
				}
				e, err := s.Store.Get(ctx, h)
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				if got := Read(t, e); !bytes.Equal(got, data) {
					t.Fatalf("got %d bytes back, want the %d put", len(got), size)
				}
			}
		}},
		{"unknown size", func(t *testing.T, s Subject) {
			h, data := NewHash(t), Payload(t, 5000)
			if err := s.Store.Put(ctx, h, -1, bytes.NewReader(data)); err != nil {
				t.Fatal(err)
			}
			e, err := s.Store.Get(ctx, h)
			if err != nil || !bytes.Equal(Read(t, e), data) {
				t.Fatalf("Get: %v", err)
			}
		}},
		{"exists reports stored entries only", func(t *testing.T, s Subject) {
			h := NewHash(t)
			if ok, err := s.Store.Exists(ctx, h); ok || err != nil {
				t.Fatalf("Exists before Put: %v, %v", ok, err)
			}
			if err := s.Store.Put(ctx, h, 3, strings.NewReader("abc")); err != nil {
				t.Fatal(err)
			}
			if ok, err := s.Store.Exists(ctx, h); !ok || err != nil {
				t.Fatalf("Exists after Put: %v, %v", ok, err)
			}
			if _, err := s.Store.Exists(ctx, "../x"); !errors.Is(err, store.ErrInvalidHash) {
				t.Fatalf("Exists(../x): %v", err)
			}
		}},
		{"missing is ErrNotFound", func(t *testing.T, s Subject) {
			if _, err := s.Store.Get(ctx, NewHash(t)); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Get missing: %v", err)
			}
		}},
		{"no overwrite", func(t *testing.T, s Subject) {
			h, first := NewHash(t), []byte("first")
			if err := s.Store.Put(ctx, h, 5, bytes.NewReader(first)); err != nil {
				t.Fatal(err)
			}
			err := s.Store.Put(ctx, h, 6, strings.NewReader("second"))
			if !errors.Is(err, store.ErrExists) {
				t.Fatalf("second Put: %v, want ErrExists", err)
			}
			e, err := s.Store.Get(ctx, h)
			if err != nil || !bytes.Equal(Read(t, e), first) {
				t.Fatalf("entry changed after a refused overwrite (%v)", err)
			}
		}},
		{"concurrent writers: one wins, one gets ErrExists", func(t *testing.T, s Subject) {
			for round := 0; round < 3; round++ {
				h := NewHash(t)
				bodies := [][]byte{Payload(t, 256<<10), Payload(t, 256<<10)}
				errs := make([]error, 2)
				var start, done sync.WaitGroup
				start.Add(1)
				for i := range bodies {
					done.Add(1)
					go func() {
						defer done.Done()
						start.Wait()
						errs[i] = s.Store.Put(ctx, h, int64(len(bodies[i])), bytes.NewReader(bodies[i]))
					}()
				}
				start.Done()
				done.Wait()
				winner := -1
				for i, err := range errs {
					switch {
					case err == nil && winner == -1:
						winner = i
					case errors.Is(err, store.ErrExists):
					default:
						t.Fatalf("round %d: Put results %v, want one nil and one ErrExists", round, errs)
					}
				}
				if winner == -1 {
					t.Fatalf("round %d: both writers refused: %v", round, errs)
				}
				e, err := s.Store.Get(ctx, h)
				if err != nil || !bytes.Equal(Read(t, e), bodies[winner]) {
					t.Fatalf("round %d: stored entry is not the winner's (%v)", round, err)
				}
			}
		}},
		{"short body leaves nothing", func(t *testing.T, s Subject) {
			h := NewHash(t)
			err := s.Store.Put(ctx, h, 100, bytes.NewReader(Payload(t, 60)))
			if !errors.Is(err, store.ErrSizeMismatch) {
				t.Fatalf("Put short: %v, want ErrSizeMismatch", err)
			}
			if _, err := s.Store.Get(ctx, h); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Get after short Put: %v", err)
			}
			// The hash is still free for a complete upload.
			if err := s.Store.Put(ctx, h, 3, strings.NewReader("abc")); err != nil {
				t.Fatalf("Put after short Put: %v", err)
			}
		}},
		{"truncated transfer (unexpected EOF) leaves nothing", func(t *testing.T, s Subject) {
			h := NewHash(t)
			body := &failingReader{data: Payload(t, 70), err: io.ErrUnexpectedEOF}
			err := s.Store.Put(ctx, h, 100, body)
			var be *store.BodyError
			if !errors.Is(err, store.ErrSizeMismatch) || !errors.As(err, &be) {
				t.Fatalf("Put: %v, want ErrSizeMismatch and a BodyError", err)
			}
			if _, err := s.Store.Get(ctx, h); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Get: %v", err)
			}
		}},
		{"long body leaves nothing", func(t *testing.T, s Subject) {
			h := NewHash(t)
			err := s.Store.Put(ctx, h, 10, bytes.NewReader(Payload(t, 11)))
			if !errors.Is(err, store.ErrSizeMismatch) {
				t.Fatalf("Put long: %v, want ErrSizeMismatch", err)
			}
			if _, err := s.Store.Get(ctx, h); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Get: %v", err)
			}
		}},
		{"failing upload is a BodyError and leaves nothing", func(t *testing.T, s Subject) {
			h := NewHash(t)
			err := s.Store.Put(ctx, h, -1, &failingReader{data: Payload(t, 1000), err: errBroken})
			var be *store.BodyError
			if !errors.As(err, &be) || !errors.Is(err, errBroken) {
				t.Fatalf("Put: %v, want BodyError wrapping the read error", err)
			}
			if _, err := s.Store.Get(ctx, h); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Get: %v", err)
			}
		}},
		{"corrupt entry is absent, logged and removed", func(t *testing.T, s Subject) {
			h := NewHash(t)
			if err := s.Store.Put(ctx, h, 4096, bytes.NewReader(Payload(t, 4096))); err != nil {
				t.Fatal(err)
			}
			s.Corrupt(t, h)
			if _, err := s.Store.Get(ctx, h); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Get corrupt: %v, want ErrNotFound", err)
			}
			if logs := s.Logs(); !strings.Contains(logs, "corrupt") || !strings.Contains(logs, h) {
				t.Fatalf("corruption of %s not logged:\n%s", h, logs)
			}
			// Removed: the hash can be stored afresh.
			data := Payload(t, 100)
			if err := s.Store.Put(ctx, h, 100, bytes.NewReader(data)); err != nil {
				t.Fatalf("Put after corruption: %v", err)
			}
			e, err := s.Store.Get(ctx, h)
			if err != nil || !bytes.Equal(Read(t, e), data) {
				t.Fatalf("Get after re-put: %v", err)
			}
			if rep, ok := s.Store.(store.StatsReporter); ok && rep.Stats().Corrupt < 1 {
				t.Fatalf("Stats().Corrupt = %d", rep.Stats().Corrupt)
			}
		}},
		{"invalid hashes are refused", func(t *testing.T, s Subject) {
			for _, h := range []string{"", "..", "../x", "a/b", "a%2Fb", ".tmp", strings.Repeat("1", store.MaxHashLen+1)} {
				if err := s.Store.Put(ctx, h, 1, strings.NewReader("x")); !errors.Is(err, store.ErrInvalidHash) {
					t.Errorf("Put(%q): %v", h, err)
				}
				if _, err := s.Store.Get(ctx, h); !errors.Is(err, store.ErrInvalidHash) {
					t.Errorf("Get(%q): %v", h, err)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			tt.test(t, s)
			if left := s.Leftovers(t); len(left) > 0 {
				t.Fatalf("left behind: %v", left)
			}
		})
	}
}
