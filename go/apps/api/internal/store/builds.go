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

// querier is *sql.DB or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
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
		                    outcome, duration_ms, ci_run_id, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`),
		b.Project, b.Image, b.Digest, string(tags), b.SizeBytes, nullInt(b.BudgetBytes), b.Platform, b.GitSHA,
		b.NxHash, string(b.Outcome), b.DurationMs, nullString(b.CIRunID), b.RecordedAt.UnixMilli(),
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
	"platform", "git_sha", "nx_hash", "outcome", "duration_ms", "ci_run_id", "recorded_at"}

// buildColumns lists buildColumnNames, each prefixed with alias and a dot
// when alias is not empty.
func buildColumns(alias string) string {
	if alias == "" {
		return strings.Join(buildColumnNames, ", ")
	}
	return alias + "." + strings.Join(buildColumnNames, ", "+alias+".")
}

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanBuild reads buildColumns (plus any extra destinations) from row.
func scanBuild(row scanner, extra ...any) (ledger.Build, error) {
	var (
		b          ledger.Build
		tags       string
		outcome    string
		budget     sql.NullInt64
		ciRunID    sql.NullString
		recordedAt int64
	)
	dest := append([]any{&b.ID, &b.Project, &b.Image, &b.Digest, &tags, &b.SizeBytes, &budget, &b.Platform,
		&b.GitSHA, &b.NxHash, &outcome, &b.DurationMs, &ciRunID, &recordedAt}, extra...)
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
	return b, nil
}

// Builds returns a page of image's builds that pass filter, newest first,
// using keyset pagination on (recorded_at, id). It returns
// ledger.ErrNotFound when the image has no builds at all.
func (s *Store) Builds(ctx context.Context, image string, filter ledger.BuildFilter, page ledger.PageRequest) (ledger.BuildPage, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	limit := page.Limit
	if limit <= 0 || limit > ledger.MaxPageSize {
		return ledger.BuildPage{}, fmt.Errorf("list builds: limit %d out of range 1..%d", limit, ledger.MaxPageSize)
	}
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
	// One extra row tells whether another page follows.
	query += ` ORDER BY recorded_at DESC, id DESC LIMIT ?`
	args = append(args, limit+1)

	builds, err := s.scanBuilds(ctx, s.db, query, args...)
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
	out := ledger.BuildPage{Builds: builds}
	if len(builds) > limit {
		out.Builds = builds[:limit]
		c := ledger.CursorAt(out.Builds[limit-1])
		out.Next = &c
	}
	return out, nil
}

// scanBuilds runs a query for buildColumns through q and reads every row.
func (s *Store) scanBuilds(ctx context.Context, q querier, query string, args ...any) ([]ledger.Build, error) {
	rows, err := q.QueryContext(ctx, s.dialect.sql(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	builds := []ledger.Build{}
	for rows.Next() {
		b, err := scanBuild(rows)
		if err != nil {
			return nil, err
		}
		builds = append(builds, b)
	}
	return builds, rows.Err()
}

// imageExists returns nil when image has a build, ledger.ErrNotFound when it
// has none.
func (s *Store) imageExists(ctx context.Context, image string) error {
	var exists bool
	if err := s.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM builds WHERE image = ?)`, image).Scan(&exists); err != nil {
		return fmt.Errorf("find image: %w", err)
	}
	if !exists {
		return ledger.ErrNotFound
	}
	return nil
}

// Sizes returns the most recent limit builds of image as size points,
// oldest first, or ledger.ErrNotFound when the image has no builds.
func (s *Store) Sizes(ctx context.Context, image string, limit int) ([]ledger.SizePoint, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	if limit <= 0 || limit > ledger.MaxSizePoints {
		return nil, fmt.Errorf("list sizes: limit %d out of range 1..%d", limit, ledger.MaxSizePoints)
	}
	rows, err := s.query(ctx, `
		SELECT recorded_at, size_bytes, budget_bytes, digest, outcome, git_sha FROM (
			SELECT recorded_at, id, size_bytes, budget_bytes, digest, outcome, git_sha
			FROM builds WHERE image = ?
			ORDER BY recorded_at DESC, id DESC
			LIMIT ?
		) recent
		ORDER BY recorded_at, id`, image, limit)
	if err != nil {
		return nil, fmt.Errorf("list sizes: %w", err)
	}
	defer rows.Close()
	points := []ledger.SizePoint{}
	for rows.Next() {
		var (
			p          ledger.SizePoint
			recordedAt int64
			budget     sql.NullInt64
			outcome    string
		)
		if err := rows.Scan(&recordedAt, &p.SizeBytes, &budget, &p.Digest, &outcome, &p.GitSHA); err != nil {
			return nil, fmt.Errorf("list sizes: %w", err)
		}
		p.RecordedAt, p.BudgetBytes, p.Outcome = fromMillis(recordedAt), intPtr(budget), ledger.Outcome(outcome)
		points = append(points, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list sizes: %w", err)
	}
	if len(points) == 0 {
		return nil, ledger.ErrNotFound
	}
	return points, nil
}

// fromMillis turns a stored Unix millisecond time into a UTC time.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// timePtr turns a nullable stored time into a *time.Time.
func timePtr(ms sql.NullInt64) *time.Time {
	if !ms.Valid {
		return nil
	}
	t := fromMillis(ms.Int64)
	return &t
}

// intPtr turns a nullable integer into an *int64.
func intPtr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

// nullInt stores a nil *int64 as NULL.
func nullInt(n *int64) sql.NullInt64 {
	if n == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *n, Valid: true}
}

// nullString stores an empty string as NULL.
func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}
