// Package store implements ledger.Store on SQL: PostgreSQL (through pgx)
// when a database URL is configured, for a team's shared ledger, and an
// embedded SQLite database (modernc.org/sqlite, pure Go, no cgo) otherwise.
// The queries are shared; dialect.go holds the few differences, and each
// dialect has its own copy of every migration (migrations/<dialect>/),
// applied by Open.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// FileName is the SQLite database file created inside the data directory.
const FileName = "ledger.db"

// busyTimeout is how long a SQLite connection waits for a lock before
// failing with SQLITE_BUSY.
const busyTimeout = 5 * time.Second

// Config says where the ledger is stored.
type Config struct {
	// DatabaseURL, when set, is a PostgreSQL connection URL
	// (postgres://user:pass@host:5432/db?sslmode=disable) or DSN.
	DatabaseURL string
	// DataDir holds the SQLite database when DatabaseURL is empty; created
	// if missing.
	DataDir string
}

// opTimeout bounds each read and write of the ledger: a database that
// stops answering then fails requests with an error instead of holding
// them, and every pooled connection, until the client gives up.
const opTimeout = 10 * time.Second

// Store is a ledger.Store backed by SQLite or PostgreSQL.
type Store struct {
	db      *sql.DB
	dialect dialect
	// timeout is opTimeout; tests shorten it.
	timeout time.Duration
	// lastPurge is when expired idempotency keys were last deleted (Unix
	// milliseconds of the recording clock).
	lastPurge atomic.Int64
}

// Open opens the database cfg names and applies pending migrations. logger
// receives a line per applied migration (nil discards).
func Open(ctx context.Context, cfg Config, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var (
		db    *sql.DB
		where string
		err   error
		d     dialect
	)
	if cfg.DatabaseURL != "" {
		d, where = postgresDialect, redactURL(cfg.DatabaseURL)
		db, err = openPostgres(ctx, cfg.DatabaseURL)
	} else {
		d, where = sqliteDialect, filepath.Join(cfg.DataDir, FileName)
		db, err = openSQLite(ctx, cfg.DataDir)
	}
	if err != nil {
		return nil, err
	}
	migrations, err := loadMigrations(migrationFiles, "migrations/"+d.name)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	applied, err := migrate(ctx, db, d, migrations)
	for _, v := range applied {
		logger.Info("applied migration", slog.String("version", v), slog.String("db", where))
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", where, err)
	}
	return &Store{db: db, dialect: d, timeout: opTimeout}, nil
}

// openSQLite opens (or creates) dataDir/ledger.db in WAL mode.
func openSQLite(ctx context.Context, dataDir string) (*sql.DB, error) {
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
	if err := pingSQLite(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// pingSQLite opens the first connection, retrying while it is busy: a new
// connection switches the database to WAL, which needs a lock that SQLite
// refuses at once, without its busy handler, while another process or
// connection is creating or switching the same new database.
func pingSQLite(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		err := db.PingContext(ctx)
		if err == nil || !strings.Contains(err.Error(), "SQLITE_BUSY") || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// openPostgres connects to the PostgreSQL database at databaseURL.
func openPostgres(ctx context.Context, databaseURL string) (*sql.DB, error) {
	where := redactURL(databaseURL)
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", where, err)
	}
	// A shared server: stay well under its max_connections (100 by
	// default) with a few API replicas, and recycle connections so that a
	// failover or a proxy's idle cut is noticed.
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(30 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w (is PostgreSQL running, and is DATABASE_URL right?)", where, err)
	}
	return db, nil
}

// redactURL hides the password of a database URL for logs and errors.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "postgres database"
	}
	return u.Redacted()
}

// Dialect names the database the store runs on: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// bounded limits ctx to the store's operation timeout.
func (s *Store) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	var one int
	return s.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// query runs a query written with "?" placeholders.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, s.dialect.sql(query), args...)
}

// queryRow runs a one-row query written with "?" placeholders.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return s.db.QueryRowContext(ctx, s.dialect.sql(query), args...)
}

// errNoRows reports whether err means that a one-row query found nothing.
func errNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
