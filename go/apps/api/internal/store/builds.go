package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"slipway/apps/api/internal/ledger"
)

// AddBuild inserts b and returns it with its new ID. b.RecordedAt is stored
// with millisecond precision, and the returned build carries that value.
// It is one transaction: a crash leaves the build stored whole or not at
// all.
func (s *Store) AddBuild(ctx context.Context, b ledger.Build) (ledger.Build, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return ledger.Build{}, fmt.Errorf("record build: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	stored, err := s.insertBuild(ctx, tx, b)
	if err != nil {
		return ledger.Build{}, err
	}
	if err := tx.Commit(); err != nil {
		return ledger.Build{}, fmt.Errorf("record build: %w", err)
	}
	return stored, nil
}

// insertBuild inserts b through q, in the caller's transaction, updates
// the image overview's summaries with it and returns it with its new ID.
func (s *Store) insertBuild(ctx context.Context, q querier, b ledger.Build) (ledger.Build, error) {
	tags, err := json.Marshal(b.Tags)
	if err != nil {
		return ledger.Build{}, err
	}
	b.RecordedAt = b.RecordedAt.UTC().Truncate(time.Millisecond)
	err = q.QueryRowContext(ctx, s.dialect.sql(`
		INSERT INTO builds (project, image, digest, tags, size_bytes, budget_bytes, platform, git_sha, nx_hash,
		                    outcome, duration_ms, ci_run_id, recorded_at, sbom_digest, sbom_packages, signed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`),
		b.Project, b.Image, b.Digest, string(tags), b.SizeBytes, nullInt(b.BudgetBytes), b.Platform, b.GitSHA,
		b.NxHash, string(b.Outcome), b.DurationMs, nullString(b.CIRunID), b.RecordedAt.UnixMilli(),
		nullStringPtr(b.SBOMDigest), nullInt(b.SBOMPackages), nullBool(b.Signed),
	).Scan(&b.ID)
	if err != nil {
		return ledger.Build{}, fmt.Errorf("insert build: %w", err)
	}
	if err := s.updateSummaries(ctx, q, b); err != nil {
		return ledger.Build{}, fmt.Errorf("insert build: %w", err)
	}
	return b, nil
}

// AddBuildsIfEmpty stores builds, in order and in one transaction, when the
// ledger holds no build yet; otherwise it stores nothing. It returns how
// many builds the ledger held before (0 when it stored builds). The check
// and the inserts are one transaction, under a table lock in PostgreSQL, so
// two callers at once cannot both fill the ledger, and a crash leaves it
// empty rather than half filled.
func (s *Store) AddBuildsIfEmpty(ctx context.Context, builds []ledger.Build) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	if s.dialect.lockBuilds != "" {
		if _, err := tx.ExecContext(ctx, s.dialect.lockBuilds); err != nil {
			return 0, fmt.Errorf("lock builds: %w", err)
		}
	}
	var existing int64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM builds`).Scan(&existing); err != nil {
		return 0, fmt.Errorf("count builds: %w", err)
	}
	if existing > 0 {
		return existing, nil
	}
	for _, b := range builds {
		if _, err := s.insertBuild(ctx, tx, b); err != nil {
			return 0, err
		}
	}
	return 0, tx.Commit()
}

// buildColumnNames are the columns scanBuild reads, in order.
var buildColumnNames = []string{"id", "project", "image", "digest", "tags", "size_bytes", "budget_bytes",
	"platform", "git_sha", "nx_hash", "outcome", "duration_ms", "ci_run_id", "recorded_at",
	"sbom_digest", "sbom_packages", "signed"}

// buildColumns lists buildColumnNames, each prefixed with alias and a dot
// when alias is not empty.
func buildColumns(alias string) string {
	if alias == "" {
		return strings.Join(buildColumnNames, ", ")
	}
	return alias + "." + strings.Join(buildColumnNames, ", "+alias+".")
}

// scanBuildRow reads buildColumns from row.
func scanBuildRow(row scanner) (ledger.Build, error) { return scanBuild(row) }

// scanBuild reads buildColumns (plus any extra destinations) from row.
func scanBuild(row scanner, extra ...any) (ledger.Build, error) {
	var (
		b          ledger.Build
		tags       string
		outcome    string
		budget     sql.NullInt64
		ciRunID    sql.NullString
		recordedAt int64
		sbomDigest sql.NullString
		packages   sql.NullInt64
		signed     sql.NullBool
	)
	dest := append([]any{&b.ID, &b.Project, &b.Image, &b.Digest, &tags, &b.SizeBytes, &budget, &b.Platform,
		&b.GitSHA, &b.NxHash, &outcome, &b.DurationMs, &ciRunID, &recordedAt, &sbomDigest, &packages, &signed}, extra...)
	if err := row.Scan(dest...); err != nil {
		return ledger.Build{}, err
	}
	if err := json.Unmarshal([]byte(tags), &b.Tags); err != nil {
		return ledger.Build{}, fmt.Errorf("build %d: tags: %w", b.ID, err)
	}
	b.Outcome = ledger.Outcome(outcome)
	b.BudgetBytes = intPtr(budget)
	b.CIRunID = ciRunID.String
	b.RecordedAt = fromMillis(recordedAt)
	b.SBOMDigest, b.SBOMPackages, b.Signed = stringPtr(sbomDigest), intPtr(packages), boolPtr(signed)
	return b, nil
}

// Builds returns a page of image's builds that pass filter, newest first,
// using keyset pagination on (recorded_at, id). It returns
// a ledger.NotFoundError when the image has no builds at all.
func (s *Store) Builds(ctx context.Context, image string, filter ledger.BuildFilter, page ledger.BuildPageRequest) (ledger.BuildPage, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	query := `SELECT ` + buildColumns("") + ` FROM builds WHERE image = ?`
	args := []any{image}
	if filter.Outcome != "" {
		query += ` AND outcome = ?`
		args = append(args, string(filter.Outcome))
	}
	if page.After != nil {
		query += ` AND (recorded_at, id) < (?, ?)`
		args = append(args, page.After.RecordedAt.UnixMilli(), page.After.ID)
	}
	builds, next, err := keysetPage[ledger.Build, ledger.BuildCursor]{
		query: query + ` ORDER BY recorded_at DESC, id DESC`, args: args,
		limit: page.Limit, maxLimit: ledger.MaxBuildPageSize,
		scan: scanBuildRow, cursorAt: ledger.BuildCursorAt,
	}.read(ctx, s)
	if err != nil {
		return ledger.BuildPage{}, fmt.Errorf("list builds: %w", err)
	}
	if len(builds) == 0 {
		// An empty page is fine past the end (or with a filter) for a known
		// image, but an image without any build does not exist.
		if err := s.imageExists(ctx, image); err != nil {
			return ledger.BuildPage{}, err
		}
	}
	return ledger.BuildPage{Builds: builds, Next: next}, nil
}
