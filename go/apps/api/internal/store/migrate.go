package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// migrationFiles holds the schema migrations of each dialect, in
// migrations/<dialect>/, applied in file-name order. Name them
// NNNN_description.sql, with the same names in every dialect (a test holds
// them in step); never edit one that has been released.
//
//go:embed migrations/*/*.sql
var migrationFiles embed.FS

// migration is one embedded schema change.
type migration struct {
	version string // file name without ".sql", e.g. "0001_create_builds"
	sql     string
}

// loadMigrations reads the embedded migrations of directory dir in order.
func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]migration, 0, len(names))
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		version := strings.TrimSuffix(path.Base(name), ".sql")
		out = append(out, migration{version: version, sql: string(body)})
	}
	return out, nil
}

// migrate applies every migration not yet recorded in schema_migrations,
// each in its own transaction together with its record, so a failed
// migration leaves no trace and a restart retries it. It returns the
// versions it applied.
func migrate(ctx context.Context, db *sql.DB, d dialect, migrations []migration) ([]string, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if d.lockMigrations != nil {
		unlock, err := d.lockMigrations(ctx, conn)
		if err != nil {
			return nil, fmt.Errorf("lock migrations: %w", err)
		}
		defer unlock()
	}
	if _, err := conn.ExecContext(ctx, d.schemaMigrations); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied []string
	for _, m := range migrations {
		done, err := applyMigration(ctx, conn, d, m)
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.version, err)
		}
		if done {
			applied = append(applied, m.version)
		}
	}
	return applied, nil
}

// applyMigration runs m unless it is already recorded, reporting whether it
// ran. The check happens inside the transaction (immediate in SQLite, under
// the advisory lock in PostgreSQL), so two processes starting together
// cannot both apply it.
func applyMigration(ctx context.Context, conn *sql.Conn, d dialect, m migration) (bool, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit

	var n int
	if err := tx.QueryRowContext(ctx, d.sql(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, d.sql(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`),
		m.version, time.Now().UnixMilli()); err != nil {
		return false, err
	}
	return true, tx.Commit()
}
