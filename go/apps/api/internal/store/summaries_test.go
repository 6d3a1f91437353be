package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"slipway/apps/api/internal/ledger"
	"slipway/apps/api/internal/store/storetest"
)

// TestSummariesMigrationFillsOlderLedgers: a ledger recorded before the
// summaries existed gets them filled by the migration, exactly as later
// inserts keep them.
func TestSummariesMigrationFillsOlderLedgers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.Database) {
		ctx := context.Background()
		var (
			raw *sql.DB
			d   dialect
			err error
		)
		if db.DatabaseURL != "" {
			raw, err = openPostgres(ctx, db.DatabaseURL)
			d = postgresDialect
		} else {
			raw, err = openSQLite(ctx, db.DataDir)
			d = sqliteDialect
		}
		if err != nil {
			t.Fatal(err)
		}
		ms, err := loadMigrations(migrationFiles, "migrations/"+d.name)
		if err != nil {
			t.Fatal(err)
		}
		var before []migration
		for _, m := range ms {
			if m.version < "0004" {
				before = append(before, m)
			}
		}
		if _, err := migrate(ctx, raw, d, before); err != nil {
			t.Fatal(err)
		}
		// Builds as the older API stored them: one INSERT each.
		for i, r := range []struct {
			image, project, outcome, run string
			minute                       int
		}{
			{"r.example/web", "web", "built", "run1", 0},
			{"r.example/web", "web", "reused", "run2", 5},
			{"r.example/web", "web", "reused", "run2", 6},
			{"r.example/web", "site", "built", "", 7},
			{"r.example/api", "api", "reused", "run1", 1},
			{"r.example/api", "api", "built", "run1", 1},
		} {
			duration := int64(1)
			if i == 1 {
				duration = math.MaxInt64 // stored before durationMs was bounded
			}
			_, err := raw.ExecContext(ctx, d.sql(`INSERT INTO builds (project, image, digest, tags, size_bytes, platform, git_sha,
				nx_hash, outcome, duration_ms, ci_run_id, recorded_at) VALUES (?, ?, ?, '["a"]', 1, 'linux/amd64', ?, 'h', ?, ?, ?, ?)`),
				r.project, r.image, "sha256:"+strings.Repeat("0", 64), fmt.Sprintf("abcdef%d", i), r.outcome, duration, nullString(r.run),
				t0.Add(time.Duration(r.minute)*time.Minute).UnixMilli())
			if err != nil {
				t.Fatalf("build %d: %v", i, err)
			}
		}
		raw.Close()

		s := openTest(t, db)
		if checked, err := s.Check(ctx); err != nil {
			t.Fatalf("after the migration (%v): %v", checked, err)
		}
		want := []string{
			"r.example/web site builds=4 latest=4 built=2025-06-01T12:07:00Z reused=2025-06-01T12:06:00Z runs=2/1",
			"r.example/api api builds=2 latest=6 built=2025-06-01T12:01:00Z reused=2025-06-01T12:01:00Z runs=1/1",
		}
		if got := show(allImages(t, s, ledger.ImageFilter{}, 10)); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("images\n got %q\nwant %q", got, want)
		}
		// Builds stored before the supply-chain columns existed report none.
		for _, im := range allImages(t, s, ledger.ImageFilter{}, 10) {
			if l := im.Latest; l.SBOMDigest != nil || l.SBOMPackages != nil || l.Signed != nil {
				t.Fatalf("%s: an older build reads as %v %v %v, want nothing reported", im.Image, l.SBOMDigest, l.SBOMPackages, l.Signed)
			}
		}
		runs, err := s.Runs(ctx, ledger.RunPageRequest{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var gotRuns []string
		for _, r := range runs.Runs {
			gotRuns = append(gotRuns, fmt.Sprintf("%s %s images=%d built=%d reused=%d ms=%d", r.CIRunID, r.GitSHA, r.Images, r.Built, r.Reused, r.DurationMs))
		}
		wantRuns := []string{
			fmt.Sprintf("run2 abcdef2 images=2 built=0 reused=2 ms=%d", ledger.MaxDurationMs+1),
			"run1 abcdef5 images=3 built=2 reused=1 ms=3",
		}
		if fmt.Sprint(gotRuns) != fmt.Sprint(wantRuns) {
			t.Fatalf("runs\n got %q\nwant %q", gotRuns, wantRuns)
		}
		// Later builds keep the filled summaries right.
		b := runBuild("r.example/api", "run3", ledger.OutcomeReused, 20)
		mustAdd(t, s, b)
		if checked, err := s.Check(ctx); err != nil {
			t.Fatalf("after an insert (%v): %v", checked, err)
		}
	})
}

// TestCheckFindsWrongSummaries: Check is not satisfied by anything.
func TestCheckFindsWrongSummaries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.Database) {
		for _, tt := range []struct{ name, breakIt, want string }{
			{"count", `UPDATE image_summaries SET builds = builds + 1`, "image_summaries"},
			{"latest", `UPDATE image_summaries SET latest_id = (SELECT MIN(id) FROM builds)`, "image_summaries"},
			{"reused runs", `UPDATE image_runs SET reused = 0`, "image_runs"},
			{"missing", `DELETE FROM image_summaries`, "image_summaries missing"},
			{"extra run", `INSERT INTO image_runs (image, ci_run_id, reused) VALUES ('r.example/web', 'ghost', 0)`, "image_runs extra"},
			{"run duration", `UPDATE run_summaries SET duration_ms = duration_ms + 1`, "run_summaries"},
			{"run newest", `UPDATE run_summaries SET git_sha = 'fffffff'`, "run_summaries"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				s := openTest(t, storetest.Fresh(t, db.Name))
				mustAdd(t, s, runBuild("r.example/web", "run1", ledger.OutcomeBuilt, 0))
				mustAdd(t, s, runBuild("r.example/web", "run1", ledger.OutcomeReused, 1))
				if _, err := s.Check(ctx); err != nil {
					t.Fatalf("before: %v", err)
				}
				if _, err := s.db.ExecContext(ctx, tt.breakIt); err != nil {
					t.Fatal(err)
				}
				if _, err := s.Check(ctx); err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("after %s: %v, want an error about %s", tt.breakIt, err, tt.want)
				}
			})
		}
	})
}
