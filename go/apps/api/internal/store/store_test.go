package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"slipway/apps/api/internal/ledger"
	"slipway/apps/api/internal/store/storetest"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// openTest opens the store on db and closes it when t ends.
func openTest(t *testing.T, db storetest.Database) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{DatabaseURL: db.DatabaseURL, DataDir: db.DataDir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// eachStore runs fn against a fresh store on every supported database.
func eachStore(t *testing.T, fn func(t *testing.T, s *Store)) {
	storetest.Each(t, func(t *testing.T, db storetest.Database) { fn(t, openTest(t, db)) })
}

func build(image string, at time.Time, tags ...string) ledger.Build {
	if len(tags) == 0 {
		tags = []string{"main"}
	}
	return ledger.Build{
		NewBuild: ledger.NewBuild{
			Project:    "api",
			Image:      image,
			Digest:     "sha256:" + strings.Repeat("0", 64),
			Tags:       tags,
			SizeBytes:  1000,
			Platform:   "linux/amd64",
			GitSHA:     "abcdef1",
			NxHash:     "hash",
			Outcome:    ledger.OutcomeBuilt,
			DurationMs: 10,
		},
		RecordedAt: at,
	}
}

func mustAdd(t *testing.T, s *Store, b ledger.Build) ledger.Build {
	t.Helper()
	got, err := s.AddBuild(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// count runs a COUNT query written with "?" placeholders.
func count(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.queryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// hasRelation reports whether the table or index name exists in the
// store's database (its schema, for PostgreSQL).
func hasRelation(t *testing.T, s *Store, name string) bool {
	t.Helper()
	if s.Dialect() == "sqlite" {
		return count(t, s, `SELECT COUNT(*) FROM sqlite_schema WHERE name = ?`, name) == 1
	}
	return count(t, s, `SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relname = ?`, name) == 1
}

func ptr[T any](v T) *T { return &v }

func TestDialectPlaceholders(t *testing.T) {
	tests := []struct {
		d    dialect
		in   string
		want string
	}{
		{sqliteDialect, `SELECT ? , ?`, `SELECT ? , ?`},
		{postgresDialect, `SELECT ? , ?`, `SELECT $1 , $2`},
		{postgresDialect, `WHERE (a, b) < (?, ?) LIMIT ?`, `WHERE (a, b) < ($1, $2) LIMIT $3`},
		{postgresDialect, `SELECT 1`, `SELECT 1`},
	}
	for _, tt := range tests {
		if got := tt.d.sql(tt.in); got != tt.want {
			t.Errorf("%s: sql(%q) = %q, want %q", tt.d.name, tt.in, got, tt.want)
		}
	}
}

func TestOpenMigratesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.Database) {
		s := openTest(t, db)
		mustAdd(t, s, build("r.example/a", t0))
		s.Close()

		// Reopening must not re-run migrations nor lose data.
		s2 := openTest(t, db)
		rows, err := s2.db.Query(`SELECT version FROM schema_migrations ORDER BY version`)
		if err != nil {
			t.Fatal(err)
		}
		var versions []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			versions = append(versions, v)
		}
		rows.Close()
		if want := []string{"0001_create_builds", "0002_budgets_and_runs", "0003_idempotency_keys", "0004_image_summaries", "0005_run_summaries", "0006_supply_chain", "0007_releases"}; !slices.Equal(versions, want) {
			t.Fatalf("schema_migrations = %v, want %v", versions, want)
		}
		page, err := s2.Builds(context.Background(), "r.example/a", ledger.BuildFilter{}, ledger.BuildPageRequest{Limit: 10})
		if err != nil || len(page.Builds) != 1 {
			t.Fatalf("after reopen: %v, %d builds", err, len(page.Builds))
		}
		// Every statement of a multi-statement migration ran.
		for _, index := range []string{"builds_image_recorded", "builds_ci_run", "builds_image_outcome_recorded"} {
			if !hasRelation(t, s2, index) {
				t.Errorf("index %s missing", index)
			}
		}
		if err := s2.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestOpenConcurrently(t *testing.T) {
	// API servers starting together on one database apply each migration
	// once (the PostgreSQL advisory lock, SQLite's immediate transactions).
	storetest.Each(t, func(t *testing.T, db storetest.Database) {
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				s, err := Open(context.Background(), Config{DatabaseURL: db.DatabaseURL, DataDir: db.DataDir}, nil)
				if err == nil {
					s.Close()
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		s := openTest(t, db)
		ms, err := loadMigrations(migrationFiles, "migrations/"+s.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM schema_migrations`); n != len(ms) {
			t.Fatalf("%d migrations recorded, want %d", n, len(ms))
		}
	})
}

func TestSQLitePragmas(t *testing.T) {
	s := openTest(t, storetest.Fresh(t, "sqlite"))
	for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "synchronous": "1"} {
		var got string
		if err := s.db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
		}
	}
}

func TestMigrateIsTransactional(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		bad := []migration{
			{version: "9000_ok", sql: `CREATE TABLE extra (x INTEGER);`},
			{version: "9001_broken", sql: `CREATE TABLE half (x INTEGER); THIS IS NOT SQL;`},
		}
		applied, err := migrate(ctx, s.db, s.dialect, bad)
		if err == nil || !strings.Contains(err.Error(), "9001_broken") {
			t.Fatalf("migrate error = %v, want failure naming 9001_broken", err)
		}
		if !slices.Equal(applied, []string{"9000_ok"}) {
			t.Fatalf("applied = %v", applied)
		}
		if hasRelation(t, s, "half") {
			t.Fatal("table from the failed migration survived")
		}
		if n := count(t, s, `SELECT COUNT(*) FROM schema_migrations WHERE version = '9001_broken'`); n != 0 {
			t.Fatal("failed migration recorded")
		}
		// A second run applies nothing new and still fails on the broken one.
		applied, _ = migrate(ctx, s.db, s.dialect, bad)
		if len(applied) != 0 {
			t.Fatalf("re-applied %v", applied)
		}
	})
}

func TestLoadMigrationsOrder(t *testing.T) {
	fsys := fstest.MapFS{
		"migrations/x/0002_b.sql": {Data: []byte("B")},
		"migrations/x/0010_c.sql": {Data: []byte("C")},
		"migrations/x/0001_a.sql": {Data: []byte("A")},
		"migrations/x/README.md":  {Data: []byte("ignored")},
		"migrations/y/0003_d.sql": {Data: []byte("other dialect")},
	}
	ms, err := loadMigrations(fsys, "migrations/x")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.version+"="+m.sql)
	}
	if want := []string{"0001_a=A", "0002_b=B", "0010_c=C"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	versions := map[string][]string{}
	for _, d := range []dialect{sqliteDialect, postgresDialect} {
		ms, err := loadMigrations(migrationFiles, "migrations/"+d.name)
		if err != nil || len(ms) == 0 {
			t.Fatalf("%s migrations: %v, %d", d.name, err, len(ms))
		}
		for _, m := range ms {
			versions[d.name] = append(versions[d.name], m.version)
		}
	}
	if !slices.Equal(versions["sqlite"], versions["postgres"]) {
		t.Fatalf("the dialects' migrations differ: sqlite %v, postgres %v", versions["sqlite"], versions["postgres"])
	}
}

func TestAddBuildRoundTrip(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		in := build("registry.example/ns/slipway-api", t0.Add(123456789*time.Nanosecond), "3f2c1ab", "main")
		in.CIRunID = "run-1"
		in.Outcome = ledger.OutcomeReused
		in.BudgetBytes = ptr(int64(20_000_000))
		got := mustAdd(t, s, in)
		if got.ID <= 0 {
			t.Fatalf("id %d", got.ID)
		}
		if want := t0.Add(123 * time.Millisecond); !got.RecordedAt.Equal(want) || got.RecordedAt.Location() != time.UTC {
			t.Fatalf("recordedAt %v, want %v UTC (ms precision)", got.RecordedAt, want)
		}
		page, err := s.Builds(ctx, in.Image, ledger.BuildFilter{}, ledger.BuildPageRequest{Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Builds) != 1 || page.Next != nil {
			t.Fatalf("page %+v", page)
		}
		stored := page.Builds[0]
		if stored.BudgetBytes == nil || *stored.BudgetBytes != 20_000_000 {
			t.Fatalf("budget %v", stored.BudgetBytes)
		}
		stored.BudgetBytes, got.BudgetBytes = nil, nil
		if fmt.Sprintf("%+v", stored) != fmt.Sprintf("%+v", got) {
			t.Fatalf("stored %+v\nwant   %+v", stored, got)
		}

		second := mustAdd(t, s, build(in.Image, t0))
		if second.ID <= got.ID {
			t.Fatalf("ids not increasing: %d then %d", got.ID, second.ID)
		}
		// Without a CI run id or budget the columns are NULL and come back empty.
		if n := count(t, s, `SELECT COUNT(*) FROM builds WHERE id = ? AND ci_run_id IS NULL AND budget_bytes IS NULL`, second.ID); n != 1 {
			t.Fatal("ci_run_id or budget_bytes of a build without them is not NULL")
		}
	})
}

func TestSchemaRejectsBadRows(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		tests := []struct {
			name   string
			mutate func(b *ledger.Build)
		}{
			{"zero size", func(b *ledger.Build) { b.SizeBytes = 0 }},
			{"zero budget", func(b *ledger.Build) { b.BudgetBytes = ptr(int64(0)) }},
			{"negative duration", func(b *ledger.Build) { b.DurationMs = -1 }},
			{"bad outcome", func(b *ledger.Build) { b.Outcome = "maybe" }},
			{"negative SBOM packages", func(b *ledger.Build) { b.SBOMPackages = ptr(int64(-1)) }},
			{"SBOM digest not a digest", func(b *ledger.Build) { b.SBOMDigest = ptr("sha256-abc.sbom") }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				b := build("r.example/a", t0)
				tt.mutate(&b)
				if _, err := s.AddBuild(context.Background(), b); err == nil {
					t.Fatal("insert succeeded")
				}
			})
		}
		if n := count(t, s, `SELECT COUNT(*) FROM builds`); n != 0 {
			t.Fatalf("%d rejected rows stored", n)
		}
	})
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(context.Background(), Config{DataDir: filepath.Join(t.TempDir(), "a?b")}, nil); err == nil {
		t.Fatal("accepted a data dir with '?'")
	}
	// A data "directory" that is a regular file.
	dir := t.TempDir()
	s := openTest(t, storetest.Database{DataDir: dir})
	s.Close()
	if _, err := Open(context.Background(), Config{DataDir: filepath.Join(dir, FileName)}, nil); err == nil {
		t.Fatal("accepted a file as data directory")
	}
	// A PostgreSQL server that is not there: a clear error without the password.
	_, err := Open(context.Background(), Config{DatabaseURL: "postgres://ledger:s3cret@127.0.0.1:1/ledger?connect_timeout=2"}, nil)
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Fatalf("unreachable PostgreSQL: %v", err)
	}
}

func TestConcurrentWrites(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		errs := make(chan error, 40)
		for i := range 40 {
			go func() {
				_, err := s.AddBuild(ctx, build(fmt.Sprintf("r.example/app%d", i%4), t0.Add(time.Duration(i)*time.Millisecond)))
				errs <- err
			}()
		}
		for range 40 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if n := count(t, s, `SELECT COUNT(*) FROM builds`); n != 40 {
			t.Fatalf("count %d", n)
		}
	})
}

func TestOperationsTimeOut(t *testing.T) {
	// Every operation runs under the store's timeout; an expired one fails
	// with the deadline instead of waiting on the database.
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		mustAdd(t, s, runBuild("r.example/a", "run1", ledger.OutcomeBuilt, 0))
		s.timeout = -time.Second // already expired: no race with a fast query
		ops := []struct {
			name string
			call func() error
		}{
			{"AddBuild", func() error { _, err := s.AddBuild(ctx, build("r.example/a", t0)); return err }},
			{"Images", func() error {
				_, err := s.Images(ctx, ledger.ImageFilter{}, ledger.ImagePageRequest{Limit: 5})
				return err
			}},
			{"Builds", func() error {
				_, err := s.Builds(ctx, "r.example/a", ledger.BuildFilter{}, ledger.BuildPageRequest{Limit: 1})
				return err
			}},
			{"Sizes", func() error { _, err := s.Sizes(ctx, "r.example/a", 1); return err }},
			{"Runs", func() error { _, err := s.Runs(ctx, ledger.RunPageRequest{Limit: 1}); return err }},
			{"Run", func() error { _, err := s.Run(ctx, "run1"); return err }},
			{"Ping", func() error { return s.Ping(ctx) }},
		}
		for _, op := range ops {
			if err := op.call(); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s with an expired timeout: %v, want the deadline", op.name, err)
			}
		}
		s.timeout = opTimeout
		if n := count(t, s, `SELECT COUNT(*) FROM builds`); n != 1 {
			t.Fatalf("%d builds stored, want 1 (the timed-out insert stores nothing)", n)
		}
	})
}
