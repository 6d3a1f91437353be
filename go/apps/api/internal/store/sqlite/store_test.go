package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"slipway/apps/api/internal/ledger"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func openTest(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
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

func TestOpenMigratesOnceAndSetsPragmas(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	s := openTest(t, dir)
	mustAdd(t, s, build("r.example/a", t0))
	s.Close()

	// Reopening must not re-run migrations nor lose data.
	s2 := openTest(t, dir)
	var versions []string
	rows, err := s2.db.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
	}
	rows.Close()
	if !slices.Equal(versions, []string{"0001_create_builds"}) {
		t.Fatalf("schema_migrations = %v", versions)
	}
	page, err := s2.Builds(context.Background(), "r.example/a", ledger.PageRequest{Limit: 10})
	if err != nil || len(page.Builds) != 1 {
		t.Fatalf("after reopen: %v, %d builds", err, len(page.Builds))
	}

	for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "synchronous": "1"} {
		var got string
		if err := s2.db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
		}
	}
	// Every statement of a multi-statement migration ran.
	var idx int
	if err := s2.db.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND name = 'builds_image_recorded'`).Scan(&idx); err != nil || idx != 1 {
		t.Fatalf("index missing (n=%d, err=%v)", idx, err)
	}
	if err := s2.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateIsTransactional(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	ctx := context.Background()
	bad := []migration{
		{version: "9000_ok", sql: `CREATE TABLE extra (x INTEGER);`},
		{version: "9001_broken", sql: `CREATE TABLE half (x INTEGER); THIS IS NOT SQL;`},
	}
	applied, err := migrate(ctx, s.db, bad)
	if err == nil || !strings.Contains(err.Error(), "9001_broken") {
		t.Fatalf("migrate error = %v, want failure naming 9001_broken", err)
	}
	if !slices.Equal(applied, []string{"9000_ok"}) {
		t.Fatalf("applied = %v", applied)
	}
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE name = 'half'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("table from the failed migration survived")
	}
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM schema_migrations WHERE version = '9001_broken'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("failed migration recorded (n=%d, err=%v)", n, err)
	}
	// A second run applies nothing new and still fails on the broken one.
	applied, _ = migrate(ctx, s.db, bad)
	if len(applied) != 0 {
		t.Fatalf("re-applied %v", applied)
	}
}

func TestLoadMigrationsOrder(t *testing.T) {
	fsys := fstest.MapFS{
		"migrations/0002_b.sql": {Data: []byte("B")},
		"migrations/0010_c.sql": {Data: []byte("C")},
		"migrations/0001_a.sql": {Data: []byte("A")},
		"migrations/README.md":  {Data: []byte("ignored")},
	}
	ms, err := loadMigrations(fsys)
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
	embedded, err := loadMigrations(migrationFiles)
	if err != nil || len(embedded) == 0 {
		t.Fatalf("embedded migrations: %v, %d", err, len(embedded))
	}
}

func TestAddBuildRoundTrip(t *testing.T) {
	s := openTest(t, t.TempDir())
	ctx := context.Background()
	in := build("registry.example/ns/slipway-api", t0.Add(123456789*time.Nanosecond), "3f2c1ab", "main")
	in.CIRunID = "run-1"
	in.Outcome = ledger.OutcomeReused
	got := mustAdd(t, s, in)
	if got.ID <= 0 {
		t.Fatalf("id %d", got.ID)
	}
	if want := t0.Add(123 * time.Millisecond); !got.RecordedAt.Equal(want) || got.RecordedAt.Location() != time.UTC {
		t.Fatalf("recordedAt %v, want %v UTC (ms precision)", got.RecordedAt, want)
	}
	page, err := s.Builds(ctx, in.Image, ledger.PageRequest{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Builds) != 1 || page.Next != nil {
		t.Fatalf("page %+v", page)
	}
	stored := page.Builds[0]
	if fmt.Sprintf("%+v", stored) != fmt.Sprintf("%+v", got) {
		t.Fatalf("stored %+v\nwant   %+v", stored, got)
	}

	second := mustAdd(t, s, build(in.Image, t0))
	if second.ID <= got.ID {
		t.Fatalf("ids not increasing: %d then %d", got.ID, second.ID)
	}
	// Without a CI run id the column is NULL and comes back empty.
	var isNull bool
	if err := s.db.QueryRow(`SELECT ci_run_id IS NULL FROM builds WHERE id = ?`, second.ID).Scan(&isNull); err != nil || !isNull {
		t.Fatalf("ci_run_id IS NULL = %v (%v)", isNull, err)
	}
}

func TestSchemaRejectsBadRows(t *testing.T) {
	s := openTest(t, t.TempDir())
	tests := []struct {
		name   string
		mutate func(b *ledger.Build)
	}{
		{"zero size", func(b *ledger.Build) { b.SizeBytes = 0 }},
		{"negative duration", func(b *ledger.Build) { b.DurationMs = -1 }},
		{"bad outcome", func(b *ledger.Build) { b.Outcome = "maybe" }},
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
}

func TestImages(t *testing.T) {
	s := openTest(t, t.TempDir())
	ctx := context.Background()

	images, err := s.Images(ctx)
	if err != nil || images == nil || len(images) != 0 {
		t.Fatalf("empty store: %v %#v", err, images)
	}

	mustAdd(t, s, build("r.example/web", t0))
	mustAdd(t, s, build("r.example/api", t0.Add(1*time.Minute)))
	webLatest := build("r.example/web", t0.Add(2*time.Minute), "v2")
	webLatest.Project = "web"
	webLatest = mustAdd(t, s, webLatest)
	mustAdd(t, s, build("r.example/cache", t0.Add(-time.Hour)))
	// Same timestamp: the higher id is the later one.
	apiA := mustAdd(t, s, build("r.example/api", t0.Add(1*time.Minute), "tie"))

	images, err = s.Images(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		image   string
		project string
		count   int64
		latest  int64
	}
	var got []row
	for _, im := range images {
		got = append(got, row{im.Image, im.Project, im.BuildCount, im.Latest.ID})
	}
	want := []row{
		{"r.example/web", "web", 2, webLatest.ID},
		{"r.example/api", "api", 2, apiA.ID},
		{"r.example/cache", "api", 1, 4},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("images\n got %+v\nwant %+v", got, want)
	}
	if !slices.Equal(images[0].Latest.Tags, []string{"v2"}) {
		t.Fatalf("latest tags %v", images[0].Latest.Tags)
	}
}

func TestBuildsPaging(t *testing.T) {
	s := openTest(t, t.TempDir())
	ctx := context.Background()
	const image = "r.example/ns/app"
	var all []ledger.Build
	for i := range 7 {
		// Two builds share each timestamp to exercise the id tie-break;
		// insertion order is deliberately not time order.
		at := t0.Add(time.Duration((i*5)%7/2) * time.Second)
		all = append(all, mustAdd(t, s, build(image, at, fmt.Sprintf("b%d", i))))
	}
	mustAdd(t, s, build("r.example/ns/other", t0.Add(time.Hour)))

	// Expected order: recordedAt desc, id desc.
	want := slices.Clone(all)
	slices.SortFunc(want, func(a, b ledger.Build) int {
		if c := b.RecordedAt.Compare(a.RecordedAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})

	for _, limit := range []int{1, 2, 3, 7, 100} {
		t.Run(fmt.Sprintf("limit=%d", limit), func(t *testing.T) {
			var got []ledger.Build
			var after *ledger.Cursor
			pages := 0
			for {
				page, err := s.Builds(ctx, image, ledger.PageRequest{Limit: limit, After: after})
				if err != nil {
					t.Fatal(err)
				}
				pages++
				if len(page.Builds) > limit {
					t.Fatalf("page of %d > limit", len(page.Builds))
				}
				got = append(got, page.Builds...)
				if page.Next == nil {
					break
				}
				// Round-trip the cursor through its opaque form.
				c, err := ledger.ParseCursor(page.Next.String())
				if err != nil {
					t.Fatal(err)
				}
				after = &c
				if pages > 10 {
					t.Fatal("too many pages")
				}
			}
			if wantPages := (len(want) + limit - 1) / limit; pages != wantPages {
				t.Errorf("pages = %d, want %d", pages, wantPages)
			}
			var gotIDs, wantIDs []int64
			for i := range got {
				gotIDs = append(gotIDs, got[i].ID)
			}
			for i := range want {
				wantIDs = append(wantIDs, want[i].ID)
			}
			if !slices.Equal(gotIDs, wantIDs) {
				t.Fatalf("ids %v, want %v", gotIDs, wantIDs)
			}
		})
	}
}

func TestBuildsErrors(t *testing.T) {
	s := openTest(t, t.TempDir())
	ctx := context.Background()
	b := mustAdd(t, s, build("r.example/a", t0))

	if _, err := s.Builds(ctx, "r.example/missing", ledger.PageRequest{Limit: 10}); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("unknown image: %v", err)
	}
	// Past the end of a known image: an empty page, not 404.
	c := ledger.CursorAt(b)
	page, err := s.Builds(ctx, "r.example/a", ledger.PageRequest{Limit: 10, After: &c})
	if err != nil || len(page.Builds) != 0 || page.Next != nil {
		t.Fatalf("past the end: %v %+v", err, page)
	}
	for _, limit := range []int{0, -1, ledger.MaxPageSize + 1} {
		if _, err := s.Builds(ctx, "r.example/a", ledger.PageRequest{Limit: limit}); err == nil {
			t.Errorf("limit %d accepted", limit)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(context.Background(), filepath.Join(t.TempDir(), "a?b"), nil); err == nil {
		t.Fatal("accepted a data dir with '?'")
	}
	// A data "directory" that is a regular file.
	dir := t.TempDir()
	s := openTest(t, dir)
	s.Close()
	if _, err := Open(context.Background(), filepath.Join(dir, FileName), nil); err == nil {
		t.Fatal("accepted a file as data directory")
	}
}

func TestConcurrentWrites(t *testing.T) {
	s := openTest(t, t.TempDir())
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
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM builds`).Scan(&n); err != nil || n != 40 {
		t.Fatalf("count %d (%v)", n, err)
	}
}
