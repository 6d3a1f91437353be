package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"slipway/apps/api/internal/ledger"
)

func TestAddBuildOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		b := build("r.example/web", t0)
		key := ledger.IdempotencyKey{Scope: "token-a", Key: "k1", RequestHash: b.Fingerprint()}
		once := func(b ledger.Build, key ledger.IdempotencyKey) (ledger.Build, bool) {
			t.Helper()
			got, replayed, err := s.AddBuildOnce(ctx, b, key)
			if err != nil {
				t.Fatal(err)
			}
			return got, replayed
		}

		first, replayed := once(b, key)
		if replayed || first.ID == 0 {
			t.Fatalf("first use: %+v replayed=%v", first, replayed)
		}
		// A retry, a second later: the first build, nothing stored.
		later := b
		later.RecordedAt = t0.Add(time.Second)
		again, replayed := once(later, key)
		if !replayed || again.ID != first.ID || !again.RecordedAt.Equal(first.RecordedAt) {
			t.Fatalf("retry: %+v replayed=%v, want build %d", again, replayed, first.ID)
		}
		// The key with another build.
		other := later
		other.Tags = []string{"other"}
		if _, _, err := s.AddBuildOnce(ctx, other, ledger.IdempotencyKey{Scope: "token-a", Key: "k1", RequestHash: other.Fingerprint()}); !errors.Is(err, ledger.ErrIdempotencyKeyReused) {
			t.Fatalf("another build under the key: %v", err)
		}
		// The same key from another token is another key.
		fromB, replayed := once(later, ledger.IdempotencyKey{Scope: "token-b", Key: "k1", RequestHash: key.RequestHash})
		if replayed || fromB.ID == first.ID {
			t.Fatalf("another scope: %+v replayed=%v", fromB, replayed)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM builds`); n != 2 {
			t.Fatalf("%d builds, want 2", n)
		}

		// Kept for the whole retention, forgotten after it.
		edge := b
		edge.RecordedAt = t0.Add(ledger.IdempotencyKeyTTL)
		if got, replayed := once(edge, key); !replayed || got.ID != first.ID {
			t.Fatalf("at the end of the retention: %+v replayed=%v", got, replayed)
		}
		expired := b
		expired.RecordedAt = t0.Add(ledger.IdempotencyKeyTTL + time.Millisecond)
		renewed, replayed := once(expired, key)
		if replayed || renewed.ID == first.ID {
			t.Fatalf("after the retention: %+v replayed=%v", renewed, replayed)
		}
		// ... and the key now stands for the new build.
		if got, replayed := once(expired, key); !replayed || got.ID != renewed.ID {
			t.Fatalf("renewed key: %+v replayed=%v", got, replayed)
		}
		// Expired keys are purged, at most once per purgeEvery: token-b's k1,
		// recorded at t0+1s, is by the next use of any key.
		if n := count(t, s, `SELECT COUNT(*) FROM idempotency_keys WHERE scope = ?`, "token-b"); n != 1 {
			t.Fatalf("%d keys of token-b before the purge", n)
		}
		purger := b
		purger.RecordedAt = expired.RecordedAt.Add(2 * purgeEvery)
		once(purger, ledger.IdempotencyKey{Scope: "token-c", Key: "k", RequestHash: purger.Fingerprint()})
		if n := count(t, s, `SELECT COUNT(*) FROM idempotency_keys WHERE scope = ?`, "token-b"); n != 0 {
			t.Fatalf("%d expired keys of token-b kept", n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM idempotency_keys`); n != 2 {
			t.Fatalf("%d keys kept, want token-a's renewed one and token-c's", n)
		}
	})
}

// TestAddBuildOnceConcurrently: the retries of one request racing each
// other store one build, and every one of them answers with it.
func TestAddBuildOnceConcurrently(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		const n = 8
		b := build("r.example/web", t0)
		key := ledger.IdempotencyKey{Scope: "token", Key: "race", RequestHash: b.Fingerprint()}
		ids := make([]int64, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				got, _, err := s.AddBuildOnce(context.Background(), b, key)
				ids[i], errs[i] = got.ID, err
			})
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Fatalf("request %d: build %d, %v; request 0: build %d", i, ids[i], errs[i], ids[0])
			}
		}
		if c := count(t, s, `SELECT COUNT(*) FROM builds`); c != 1 {
			t.Fatalf("%d builds stored, want 1", c)
		}
	})
}
