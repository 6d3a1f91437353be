package store

import (
	"context"
	"database/sql"
	"fmt"

	"slipway/apps/api/internal/ledger"
)

// summaryUpsert adds one build to its image's row of image_summaries: one
// more build, the latest build if it is newer (by recorded_at, then id; an
// API server with a slow clock may record an older time after a newer
// one), the last built and reused times, and the new distinct runs.
const summaryUpsert = `
	INSERT INTO image_summaries (image, project, latest_id, latest_recorded_at, builds,
	                             last_built_at, last_reused_at, runs, runs_reused)
	VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)
	ON CONFLICT (image) DO UPDATE SET
		builds = image_summaries.builds + 1,
		project = CASE WHEN ` + newerLatest + ` THEN excluded.project ELSE image_summaries.project END,
		latest_id = CASE WHEN ` + newerLatest + ` THEN excluded.latest_id ELSE image_summaries.latest_id END,
		latest_recorded_at = CASE WHEN ` + newerLatest + `
			THEN excluded.latest_recorded_at ELSE image_summaries.latest_recorded_at END,
		last_built_at = CASE WHEN excluded.last_built_at IS NOT NULL AND
			(image_summaries.last_built_at IS NULL OR excluded.last_built_at > image_summaries.last_built_at)
			THEN excluded.last_built_at ELSE image_summaries.last_built_at END,
		last_reused_at = CASE WHEN excluded.last_reused_at IS NOT NULL AND
			(image_summaries.last_reused_at IS NULL OR excluded.last_reused_at > image_summaries.last_reused_at)
			THEN excluded.last_reused_at ELSE image_summaries.last_reused_at END,
		runs = image_summaries.runs + excluded.runs,
		runs_reused = image_summaries.runs_reused + excluded.runs_reused`

// newerLatest says that the build being added comes after the image's
// latest one in the overview's order.
const newerLatest = `(excluded.latest_recorded_at, excluded.latest_id) > (image_summaries.latest_recorded_at, image_summaries.latest_id)`

// updateSummaries brings image_runs, image_summaries and (for a build of a
// CI run) run_summaries up to date with b,
// just inserted through q, in the same transaction: a crash leaves the
// build and the overview's account of it together or neither. Concurrent
// inserts of one image take turns on its rows (PostgreSQL's row locks,
// SQLite's one writer), so no count is lost.
func (s *Store) updateSummaries(ctx context.Context, q querier, b ledger.Build) error {
	var newRun, newReusedRun int64
	reused := int64(0)
	if b.Outcome == ledger.OutcomeReused {
		reused = 1
	}
	if b.CIRunID != "" {
		res, err := q.ExecContext(ctx, s.dialect.sql(`INSERT INTO image_runs (image, ci_run_id, reused) VALUES (?, ?, ?)
			ON CONFLICT (image, ci_run_id) DO NOTHING`), b.Image, b.CIRunID, reused)
		if err != nil {
			return fmt.Errorf("count the image's runs: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("count the image's runs: %w", err)
		} else if n == 1 {
			newRun, newReusedRun = 1, reused
		} else if reused == 1 {
			// A run seen before, now reusing the image for the first time?
			res, err := q.ExecContext(ctx, s.dialect.sql(`UPDATE image_runs SET reused = 1
				WHERE image = ? AND ci_run_id = ? AND reused = 0`), b.Image, b.CIRunID)
			if err != nil {
				return fmt.Errorf("count the image's runs: %w", err)
			}
			if newReusedRun, err = res.RowsAffected(); err != nil {
				return fmt.Errorf("count the image's runs: %w", err)
			}
		}
	}
	at := b.RecordedAt.UnixMilli()
	var builtAt, reusedAt sql.NullInt64
	if b.Outcome == ledger.OutcomeBuilt {
		builtAt = sql.NullInt64{Int64: at, Valid: true}
	} else {
		reusedAt = sql.NullInt64{Int64: at, Valid: true}
	}
	if _, err := q.ExecContext(ctx, s.dialect.sql(summaryUpsert),
		b.Image, b.Project, b.ID, at, builtAt, reusedAt, newRun, newReusedRun); err != nil {
		return fmt.Errorf("update the image summary: %w", err)
	}
	if b.CIRunID == "" {
		return nil
	}
	if _, err := q.ExecContext(ctx, s.dialect.sql(runUpsert),
		b.CIRunID, at, at, 1-reused, reused, min(b.DurationMs, ledger.MaxDurationMs), at, b.ID, b.GitSHA); err != nil {
		return fmt.Errorf("update the run summary: %w", err)
	}
	return nil
}

// runUpsert adds one build to its CI run's row of run_summaries: the first
// and last times, the counts, the duration (each build counts at most
// ledger.MaxDurationMs, as in migration 0005, so that older rows of up to
// 2^63-1 cannot overflow the sum) and the newest build's git sha.
const runUpsert = `
	INSERT INTO run_summaries (ci_run_id, started_at, finished_at, images, built, reused, duration_ms,
	                           newest_recorded_at, newest_id, git_sha)
	VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (ci_run_id) DO UPDATE SET
		started_at = CASE WHEN excluded.started_at < run_summaries.started_at
			THEN excluded.started_at ELSE run_summaries.started_at END,
		finished_at = CASE WHEN excluded.finished_at > run_summaries.finished_at
			THEN excluded.finished_at ELSE run_summaries.finished_at END,
		images = run_summaries.images + 1,
		built = run_summaries.built + excluded.built,
		reused = run_summaries.reused + excluded.reused,
		duration_ms = run_summaries.duration_ms + excluded.duration_ms,
		newest_recorded_at = CASE WHEN ` + newerInRun + `
			THEN excluded.newest_recorded_at ELSE run_summaries.newest_recorded_at END,
		newest_id = CASE WHEN ` + newerInRun + ` THEN excluded.newest_id ELSE run_summaries.newest_id END,
		git_sha = CASE WHEN ` + newerInRun + ` THEN excluded.git_sha ELSE run_summaries.git_sha END`

// newerInRun says that the build being added is the run's newest.
const newerInRun = `(excluded.newest_recorded_at, excluded.newest_id) > (run_summaries.newest_recorded_at, run_summaries.newest_id)`
