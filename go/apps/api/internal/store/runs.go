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
	query := `SELECT ` + runColumns + ` FROM run_summaries`
	var args []any
	if page.After != nil {
		query += ` WHERE (started_at, ci_run_id) < (?, ?)`
		args = append(args, page.After.StartedAt.UnixMilli(), page.After.CIRunID)
	}
	runs, next, err := keysetPage[ledger.RunSummary, ledger.RunCursor]{
		query: query + ` ORDER BY started_at DESC, ci_run_id DESC`, args: args,
		limit: page.Limit, maxLimit: ledger.MaxRunPageSize,
		scan: scanRun, cursorAt: ledger.RunCursorAt,
	}.read(ctx, s)
	if err != nil {
		return ledger.RunPage{}, fmt.Errorf("list runs: %w", err)
	}
	return ledger.RunPage{Runs: runs, Next: next}, nil
}

// Run returns the CI run ciRunID with its builds ordered by project, then
// image, or a ledger.NotFoundError when no build has that run id. The summary
// and the builds are read from one snapshot, so a build recorded meanwhile
// by another job of the run cannot make them disagree.
func (s *Store) Run(ctx context.Context, ciRunID string) (ledger.Run, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	if ciRunID == "" {
		return ledger.Run{}, ledger.RunNotFound(ciRunID)
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
		return ledger.Run{}, ledger.RunNotFound(ciRunID)
	}
	if err != nil {
		return ledger.Run{}, fmt.Errorf("get run: %w", err)
	}
	builds, err := queryAll(ctx, s, tx, scanBuildRow, `SELECT `+buildColumns("")+` FROM builds WHERE ci_run_id = ?
		ORDER BY project, image, recorded_at, id`, ciRunID)
	if err != nil {
		return ledger.Run{}, fmt.Errorf("get run: %w", err)
	}
	return ledger.Run{RunSummary: summary, Builds: builds}, nil
}
