// Package sqlite implements ledger.Store on an embedded SQLite database
// (modernc.org/sqlite, pure Go, no cgo). The database runs in WAL mode with
// a busy timeout and foreign keys on; its schema comes from embedded
// migrations applied by Open.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"slipway/apps/api/internal/ledger"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// FileName is the database file created inside the data directory.
const FileName = "ledger.db"

// busyTimeout is how long a connection waits for a lock before failing
// with SQLITE_BUSY.
const busyTimeout = 5 * time.Second

// Store is a ledger.Store backed by SQLite.
type Store struct {
	db *sql.DB
}

var _ ledger.Store = (*Store)(nil)

// Open creates dataDir if needed, opens (or creates) dataDir/ledger.db and
// applies pending migrations. logger receives a line per applied migration
// (nil discards).
func Open(ctx context.Context, dataDir string, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if strings.ContainsRune(dataDir, '?') {
		return nil, fmt.Errorf("data directory %q: must not contain '?'", dataDir)
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dataDir, FileName)
	// _txlock=immediate: every transaction here writes, so take the write
	// lock up front instead of failing on a lock upgrade.
	dsn := path + "?_txlock=immediate" +
		"&_pragma=busy_timeout(" + fmt.Sprint(busyTimeout.Milliseconds()) + ")" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	migrations, err := loadMigrations(migrationFiles)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	applied, err := migrate(ctx, db, migrations)
	for _, v := range applied {
		logger.Info("applied migration", slog.String("version", v), slog.String("db", path))
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// AddBuild inserts b and returns it with its new ID. b.RecordedAt is stored
// with millisecond precision, and the returned build carries that value.
func (s *Store) AddBuild(ctx context.Context, b ledger.Build) (ledger.Build, error) {
	tags, err := json.Marshal(b.Tags)
	if err != nil {
		return ledger.Build{}, err
	}
	b.RecordedAt = b.RecordedAt.UTC().Truncate(time.Millisecond)
	var ciRunID sql.NullString
	if b.CIRunID != "" {
		ciRunID = sql.NullString{String: b.CIRunID, Valid: true}
	}
	err = s.db.QueryRowContext(ctx, `
		INSERT INTO builds (project, image, digest, tags, size_bytes, platform, git_sha, nx_hash,
		                    outcome, duration_ms, ci_run_id, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		b.Project, b.Image, b.Digest, string(tags), b.SizeBytes, b.Platform, b.GitSHA, b.NxHash,
		string(b.Outcome), b.DurationMs, ciRunID, b.RecordedAt.UnixMilli(),
	).Scan(&b.ID)
	if err != nil {
		return ledger.Build{}, fmt.Errorf("insert build: %w", err)
	}
	return b, nil
}

// buildColumns is the column list scanned by scanBuild.
const buildColumns = `id, project, image, digest, tags, size_bytes, platform, git_sha, nx_hash,
	outcome, duration_ms, ci_run_id, recorded_at`

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanBuild reads buildColumns (plus any extra destinations) from row.
func scanBuild(row scanner, extra ...any) (ledger.Build, error) {
	var (
		b          ledger.Build
		tags       string
		outcome    string
		ciRunID    sql.NullString
		recordedAt int64
	)
	dest := append([]any{&b.ID, &b.Project, &b.Image, &b.Digest, &tags, &b.SizeBytes, &b.Platform,
		&b.GitSHA, &b.NxHash, &outcome, &b.DurationMs, &ciRunID, &recordedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return ledger.Build{}, err
	}
	if err := json.Unmarshal([]byte(tags), &b.Tags); err != nil {
		return ledger.Build{}, fmt.Errorf("build %d: tags: %w", b.ID, err)
	}
	b.Outcome = ledger.Outcome(outcome)
	b.CIRunID = ciRunID.String
	b.RecordedAt = time.UnixMilli(recordedAt).UTC()
	return b, nil
}

// Images summarizes every image with its latest build, most recent first.
func (s *Store) Images(ctx context.Context) ([]ledger.ImageSummary, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT `+buildColumns+`, build_count FROM (
			SELECT b.*,
			       ROW_NUMBER() OVER (PARTITION BY image ORDER BY recorded_at DESC, id DESC) AS rn,
			       COUNT(*)     OVER (PARTITION BY image) AS build_count
			FROM builds b
		)
		WHERE rn = 1
		ORDER BY recorded_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	defer rows.Close()
	images := []ledger.ImageSummary{}
	for rows.Next() {
		var count int64
		b, err := scanBuild(rows, &count)
		if err != nil {
			return nil, fmt.Errorf("list images: %w", err)
		}
		images = append(images, ledger.ImageSummary{Image: b.Image, Project: b.Project, BuildCount: count, Latest: b})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	return images, nil
}

// Builds returns a page of image's builds, newest first, using keyset
// pagination on (recorded_at, id). It returns ledger.ErrNotFound when the
// image has no builds.
func (s *Store) Builds(ctx context.Context, image string, page ledger.PageRequest) (ledger.BuildPage, error) {
	limit := page.Limit
	if limit <= 0 || limit > ledger.MaxPageSize {
		return ledger.BuildPage{}, fmt.Errorf("list builds: limit %d out of range 1..%d", limit, ledger.MaxPageSize)
	}
	// Fetch one extra row to learn whether another page follows.
	query := `SELECT ` + buildColumns + ` FROM builds WHERE image = ?`
	args := []any{image}
	if page.After != nil {
		query += ` AND (recorded_at, id) < (?, ?)`
		args = append(args, page.After.RecordedAt.UnixMilli(), page.After.ID)
	}
	query += ` ORDER BY recorded_at DESC, id DESC LIMIT ?`
	args = append(args, limit+1)

	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return ledger.BuildPage{}, fmt.Errorf("list builds: %w", err)
	}
	defer rows.Close()
	builds := make([]ledger.Build, 0, limit)
	more := false
	for rows.Next() {
		if len(builds) == limit {
			more = true
			break
		}
		b, err := scanBuild(rows)
		if err != nil {
			return ledger.BuildPage{}, fmt.Errorf("list builds: %w", err)
		}
		builds = append(builds, b)
	}
	if err := rows.Err(); err != nil {
		return ledger.BuildPage{}, fmt.Errorf("list builds: %w", err)
	}
	rows.Close()

	if len(builds) == 0 {
		// An empty page is fine past the end of a known image, but an
		// image without any build does not exist.
		var exists bool
		if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM builds WHERE image = ?)`, image).Scan(&exists); err != nil {
			return ledger.BuildPage{}, fmt.Errorf("list builds: %w", err)
		}
		if !exists {
			return ledger.BuildPage{}, ledger.ErrNotFound
		}
	}
	out := ledger.BuildPage{Builds: builds}
	if more {
		c := ledger.CursorAt(builds[len(builds)-1])
		out.Next = &c
	}
	return out, nil
}
