package store

import (
	"context"
	"database/sql"
	"fmt"

	"slipway/apps/api/internal/ledger"
)

// runsQuery sums up CI runs: the builds grouped by ci_run_id, with the git
// sha of each run's newest build. %[1]s is an extra condition on the builds
// (a run id), or TRUE; %[2]d is ledger.MaxDurationMs: each build counts at
// most that much in the sum, so that rows stored before durationMs was
// bounded (up to 2^63-1) cannot overflow it and fail every read of runs.
const runsQuery = `
	WITH runs AS (
		SELECT ci_run_id,
		       MIN(recorded_at) AS started_at,
		       MAX(recorded_at) AS finished_at,
		       COUNT(*) AS images,
		       SUM(CASE WHEN outcome = 'built' THEN 1 ELSE 0 END) AS built,
		       SUM(CASE WHEN outcome = 'reused' THEN 1 ELSE 0 END) AS reused,
		       CAST(SUM(CASE WHEN duration_ms > %[2]d THEN %[2]d ELSE duration_ms END) AS BIGINT) AS duration_ms
		FROM builds
		WHERE ci_run_id IS NOT NULL AND %[1]s
		GROUP BY ci_run_id
	), newest AS (
		SELECT ci_run_id, git_sha,
		       ROW_NUMBER() OVER (PARTITION BY ci_run_id ORDER BY recorded_at DESC, id DESC) AS rn
		FROM builds
		WHERE ci_run_id IS NOT NULL AND %[1]s
	)
	SELECT r.ci_run_id, n.git_sha, r.started_at, r.finished_at, r.images, r.built, r.reused, r.duration_ms
	FROM runs r JOIN newest n ON n.ci_run_id = r.ci_run_id AND n.rn = 1`

// scanRun reads one row of runsQuery.
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

// Runs returns one page of CI runs, newest first, using keyset pagination
// on (started_at, ci_run_id).
func (s *Store) Runs(ctx context.Context, page ledger.RunPageRequest) (ledger.RunPage, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	limit := page.Limit
	if limit <= 0 || limit > ledger.MaxPageSize {
		return ledger.RunPage{}, fmt.Errorf("list runs: limit %d out of range 1..%d", limit, ledger.MaxPageSize)
	}
	query := fmt.Sprintf(runsQuery, "TRUE", ledger.MaxDurationMs)
	var args []any
	if page.After != nil {
		query += ` WHERE (r.started_at, r.ci_run_id) < (?, ?)`
		args = append(args, page.After.StartedAt.UnixMilli(), page.After.CIRunID)
	}
	// One extra row tells whether another page follows.
	query += ` ORDER BY r.started_at DESC, r.ci_run_id DESC LIMIT ?`
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

	summary, err := scanRun(tx.QueryRowContext(ctx, s.dialect.sql(fmt.Sprintf(runsQuery, "ci_run_id = ?", ledger.MaxDurationMs)), ciRunID, ciRunID))
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
