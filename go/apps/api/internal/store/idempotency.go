package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"slipway/apps/api/internal/ledger"
)

// purgeEvery is how often, at most, AddBuildOnce deletes expired keys.
const purgeEvery = time.Minute

// AddBuildOnce stores b under key unless key was already used (see
// ledger.Store). The lookup, the build and the key are one transaction, so
// a crash leaves both or neither, and two requests with one key store one
// build: SQLite runs them one after the other; in PostgreSQL the second
// one's key insert waits for the first and then finds the key taken, so it
// rolls its build back and answers with the first one's.
func (s *Store) AddBuildOnce(ctx context.Context, b ledger.Build, key ledger.IdempotencyKey) (ledger.Build, bool, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	for range 3 {
		stored, replayed, raced, err := s.addBuildOnce(ctx, b, key)
		if err != nil {
			return ledger.Build{}, false, err
		}
		if !raced {
			s.purgeKeys(ctx, b.RecordedAt)
			return stored, replayed, nil
		}
	}
	return ledger.Build{}, false, errors.New("record build: the idempotency key stays contended")
}

// addBuildOnce is one attempt of AddBuildOnce; raced reports that another
// request committed the key after this one looked it up, and nothing was
// stored.
func (s *Store) addBuildOnce(ctx context.Context, b ledger.Build, key ledger.IdempotencyKey) (stored ledger.Build, replayed, raced bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return ledger.Build{}, false, false, fmt.Errorf("record build: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit

	since := b.RecordedAt.Add(-ledger.IdempotencyKeyTTL).UnixMilli()
	var (
		hash    string
		buildID int64
	)
	err = tx.QueryRowContext(ctx, s.dialect.sql(`SELECT request_hash, build_id FROM idempotency_keys
		WHERE scope = ? AND idem_key = ? AND created_at >= ?`), key.Scope, key.Key, since).Scan(&hash, &buildID)
	switch {
	case err == nil:
		if hash != key.RequestHash {
			return ledger.Build{}, false, false, ledger.ErrIdempotencyKeyReused
		}
		first, err := scanBuild(tx.QueryRowContext(ctx, s.dialect.sql(`SELECT `+buildColumns("")+` FROM builds WHERE id = ?`), buildID))
		if err != nil {
			return ledger.Build{}, false, false, fmt.Errorf("record build: read the first build of the key: %w", err)
		}
		return first, true, false, nil
	case !errNoRows(err):
		return ledger.Build{}, false, false, fmt.Errorf("record build: look up the idempotency key: %w", err)
	}

	// An expired use of the key is forgotten, so that the key can be used
	// again. Only an expired one: in PostgreSQL this statement sees what
	// other requests committed since the lookup.
	if _, err := tx.ExecContext(ctx, s.dialect.sql(`DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ? AND created_at < ?`),
		key.Scope, key.Key, since); err != nil {
		return ledger.Build{}, false, false, fmt.Errorf("record build: %w", err)
	}
	stored, err = s.insertBuild(ctx, tx, b)
	if err != nil {
		return ledger.Build{}, false, false, err
	}
	res, err := tx.ExecContext(ctx, s.dialect.sql(`INSERT INTO idempotency_keys (scope, idem_key, request_hash, build_id, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope, idem_key) DO NOTHING`),
		key.Scope, key.Key, key.RequestHash, stored.ID, stored.RecordedAt.UnixMilli())
	if err != nil {
		return ledger.Build{}, false, false, fmt.Errorf("record build: store the idempotency key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return ledger.Build{}, false, true, nil // rolled back
	}
	if err := tx.Commit(); err != nil {
		return ledger.Build{}, false, false, fmt.Errorf("record build: %w", err)
	}
	return stored, false, false, nil
}

// purgeKeys deletes the keys that expired before now, at most once per
// purgeEvery. A failure only delays the purge: it is not the request's.
func (s *Store) purgeKeys(ctx context.Context, now time.Time) {
	last := s.lastPurge.Load()
	if now.UnixMilli()-last < purgeEvery.Milliseconds() || !s.lastPurge.CompareAndSwap(last, now.UnixMilli()) {
		return
	}
	_, _ = s.db.ExecContext(ctx, s.dialect.sql(`DELETE FROM idempotency_keys WHERE created_at < ?`),
		now.Add(-ledger.IdempotencyKeyTTL).UnixMilli())
}
