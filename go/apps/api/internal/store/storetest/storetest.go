// Package storetest runs a test against every database the ledger store
// supports: SQLite always, PostgreSQL when API_TEST_DATABASE_URL names a
// server to test against. Each run gets a fresh, empty database: a temporary
// directory for SQLite, a schema of its own (dropped afterwards) for
// PostgreSQL. Under CI=true a missing API_TEST_DATABASE_URL fails the test
// instead of skipping PostgreSQL.
//
// It is imported only by tests.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// EnvDatabaseURL names the PostgreSQL server (a connection URL whose user
// may create schemas) that the store and server tests run against too.
const EnvDatabaseURL = "API_TEST_DATABASE_URL"

// EnvDatabaseKind says which server EnvDatabaseURL names, by kind and major
// version (postgres-15). Nx hashes it instead of the URL, whose port and
// password change with every throwaway server, so it must be set with it.
const EnvDatabaseKind = "API_TEST_DATABASE_KIND"

// Database is one empty database to open the store on: DatabaseURL for
// PostgreSQL, DataDir (with an empty DatabaseURL) for SQLite.
type Database struct {
	// Name is "sqlite" or "postgres".
	Name        string
	DatabaseURL string
	DataDir     string
}

// Each runs fn as a subtest (named after the database) once per supported
// database, each time with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, db Database)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, Fresh(t, "sqlite")) })
	t.Run("postgres", func(t *testing.T) { fn(t, Fresh(t, "postgres")) })
}

// Fresh returns an empty database of the named kind ("sqlite" or
// "postgres"), removed when t ends. For PostgreSQL without
// API_TEST_DATABASE_URL it skips t, or fails it under CI=true.
func Fresh(t *testing.T, name string) Database {
	t.Helper()
	if name == "sqlite" {
		return Database{Name: name, DataDir: t.TempDir()}
	}
	base := os.Getenv(EnvDatabaseURL)
	if base == "" {
		const how = EnvDatabaseURL + ` is not set: start a throwaway PostgreSQL with eval "$(bash tools/postgres/start.sh)"`
		if os.Getenv("CI") == "true" {
			t.Fatal(how + " (under CI=true the PostgreSQL tests must run)")
		}
		t.Skip(how + " to run the PostgreSQL variant")
	}
	if os.Getenv(EnvDatabaseKind) == "" {
		t.Fatal(EnvDatabaseURL + " is set but " + EnvDatabaseKind + " is not: set it to the server's kind and major version " +
			"(such as postgres-15; tools/postgres/start.sh exports both), so that Nx's test hash tells this server from none")
	}
	return Database{Name: name, DatabaseURL: freshSchema(t, base)}
}

// freshSchema creates a schema with a random name on the server at base and
// returns base with its search_path set to it; the schema is dropped when t
// ends.
func freshSchema(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL, got %q", EnvDatabaseURL, base)
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	schema := "test_" + strings.ToLower(sanitize(t.Name())) + "_" + hex.EncodeToString(suffix)
	if len(schema) > 63 {
		schema = schema[len(schema)-63:]
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA "`+schema+`"`); err != nil {
		t.Fatalf("create a test schema on %s: %v", u.Redacted(), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA "`+schema+`" CASCADE`); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// sanitize keeps the letters and digits of a test name, for a schema name.
func sanitize(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}
