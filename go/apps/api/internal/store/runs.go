package store

import (
	"context"
	"database/sql"
	"fmt"

	"slipway/apps/api/internal/ledger"
)

// runColumns are the columns of run_summaries that scanRun reads.
const runColumns = `ci_run_id, git_sha, started_at, finished_at, images, built, reused, duration_ms`

// scanRun reads runColumns.
func scanRun(row scanner) (ledger.RunSummary, error) {
	var (
		r                 ledger.RunSummary
		started, finished int64
	)
	if err := row.Scan(&r.CIRunID, &r.GitSHA, &started, &finished, &r.Images, &r.Built, &r.Reused, &r.DurationMs); err != nil {
		return ledger.RunSummary{}, err
	}
	r.StartedAt, r.FinishedAt = fromMillis(started), fromMillis(finished)
	return r, nil
}

// Runs returns one page of CI runs, newest first, by keyset on
// (started_at, ci_run_id) over the run summaries that insertBuild keeps: a
// page reads limit+1 index entries, however many builds the runs hold.
func (s *Store) Runs(ctx context.Context, page ledger.RunPageRequest) (ledger.RunPage, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	limit := page.Limit
	if limit <= 0 || limit > ledger.MaxPageSize {
		return ledger.RunPage{}, fmt.Errorf("list runs: limit %d out of range 1..%d", limit, ledger.MaxPageSize)
	}
	query := `SELECT ` + runColumns + ` FROM run_summaries`
	var args []any
	if page.After != nil {
		query += ` WHERE (started_at, ci_run_id) < (?, ?)`
		args = append(args, page.After.StartedAt.UnixMilli(), page.After.CIRunID)
	}
	// One extra row tells whether another page follows.
	query += ` ORDER BY started_at DESC, ci_run_id DESC LIMIT ?`
	args = append(args, limit+1)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return ledger.RunPage{}, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	runs := []ledger.RunSummary{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return ledger.RunPage{}, fmt.Errorf("list runs: %w", err)
		}
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return ledger.RunPage{}, fmt.Errorf("list runs: %w", err)
	}
	out := ledger.RunPage{Runs: runs}
	if len(runs) > limit {
		out.Runs = runs[:limit]
		c := ledger.RunCursorAt(out.Runs[limit-1])
		out.Next = &c
	}
	return out, nil
}

// Run returns the CI run ciRunID with its builds ordered by project, then
// image, or ledger.ErrNotFound when no build has that run id. The summary
// and the builds are read from one snapshot, so a build recorded meanwhile
// by another job of the run cannot make them disagree.
func (s *Store) Run(ctx context.Context, ciRunID string) (ledger.Run, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	if ciRunID == "" {
		return ledger.Run{}, ledger.ErrNotFound
	}
	// Read-only: a plain (deferred) BEGIN in SQLite, whose WAL snapshot
	// then spans both queries; a repeatable-read snapshot in PostgreSQL.
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return ledger.Run{}, fmt.Errorf("get run: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep

	summary, err := scanRun(tx.QueryRowContext(ctx, s.dialect.sql(`SELECT `+runColumns+` FROM run_summaries WHERE ci_run_id = ?`), ciRunID))
	if errNoRows(err) {
		return ledger.Run{}, ledger.ErrNotFound
	}
	if err != nil {
		return ledger.Run{}, fmt.Errorf("get run: %w", err)
	}
	builds, err := s.scanBuilds(ctx, tx, `SELECT `+buildColumns("")+` FROM builds WHERE ci_run_id = ?
		ORDER BY project, image, recorded_at, id`, ciRunID)
	if err != nil {
		return ledger.Run{}, fmt.Errorf("get run: %w", err)
	}
	return ledger.Run{RunSummary: summary, Builds: builds}, nil
}
