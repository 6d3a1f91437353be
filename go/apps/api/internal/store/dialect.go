package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// dialect is what differs between the SQL databases the store runs on. The
// queries are written once, in the SQL both understand, with "?"
// placeholders; the dialect rewrites the placeholders and supplies the few
// statements that cannot be shared.
type dialect struct {
	// name is "sqlite" or "postgres", also the migrations subdirectory.
	name string
	// numbered placeholders ($1, $2, ...) instead of "?".
	numbered bool
	// schemaMigrations creates the table of applied migrations.
	schemaMigrations string
	// lockMigrations, when set, serializes migrations across processes on
	// the connection conn; the returned function releases the lock.
	lockMigrations func(ctx context.Context, conn *sql.Conn) (unlock func(), err error)
	// lockBuilds, when set, locks the builds table against other writers
	// for the rest of a transaction (SQLite's immediate transactions
	// already do).
	lockBuilds string
}

var sqliteDialect = dialect{
	name: "sqlite",
	schemaMigrations: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    TEXT    PRIMARY KEY,
		applied_at INTEGER NOT NULL
	) STRICT`,
	// The database-wide write lock of each (immediate) migration
	// transaction is enough in SQLite.
}

// migrationLockKey is the PostgreSQL advisory lock that migrating
// processes take, so that API servers starting together against one
// database do not apply the same migration twice.
const migrationLockKey = 7_310_202_501

var postgresDialect = dialect{
	name:     "postgres",
	numbered: true,
	// SHARE ROW EXCLUSIVE conflicts with itself and with inserts, not with reads.
	lockBuilds: `LOCK TABLE builds IN SHARE ROW EXCLUSIVE MODE`,
	schemaMigrations: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    TEXT   PRIMARY KEY,
		applied_at BIGINT NOT NULL
	)`,
	lockMigrations: func(ctx context.Context, conn *sql.Conn) (func(), error) {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
			return nil, err
		}
		return func() {
			// A failed unlock is released with the connection anyway.
			_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLockKey)
		}, nil
	},
}

// sql rewrites a query written with "?" placeholders for the dialect. The
// queries of this package have no "?" inside literals.
func (d dialect) sql(query string) string {
	if !d.numbered {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
