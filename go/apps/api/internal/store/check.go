package store

import (
	"context"
	"fmt"
	"strings"
)

// expectedSummaries computes image_summaries from the builds table, the
// way migration 0004 first filled it: what the table must equal.
const expectedSummaries = `
	SELECT l.image, l.project, l.id, l.recorded_at, c.builds, c.last_built, c.last_reused,
	       COALESCE(r.runs, 0), COALESCE(r.runs_reused, 0)
	FROM (
		SELECT image, project, id, recorded_at,
		       ROW_NUMBER() OVER (PARTITION BY image ORDER BY recorded_at DESC, id DESC) AS rn
		FROM builds
	) l
	JOIN (
		SELECT image, COUNT(*) AS builds,
		       MAX(CASE WHEN outcome = 'built' THEN recorded_at END) AS last_built,
		       MAX(CASE WHEN outcome = 'reused' THEN recorded_at END) AS last_reused
		FROM builds GROUP BY image
	) c ON c.image = l.image
	LEFT JOIN (
		SELECT image, COUNT(*) AS runs, SUM(reused) AS runs_reused
		FROM (SELECT image, ci_run_id, MAX(CASE WHEN outcome = 'reused' THEN 1 ELSE 0 END) AS reused
		      FROM builds WHERE ci_run_id IS NOT NULL GROUP BY image, ci_run_id) ir
		GROUP BY image
	) r ON r.image = l.image
	WHERE l.rn = 1`

// expectedRuns computes run_summaries from the builds table.
const expectedRuns = `
	SELECT r.ci_run_id, r.started_at, r.finished_at, r.images, r.built, r.reused, r.duration_ms,
	       n.recorded_at, n.id, n.git_sha
	FROM (
		SELECT ci_run_id, MIN(recorded_at) AS started_at, MAX(recorded_at) AS finished_at, COUNT(*) AS images,
		       SUM(CASE WHEN outcome = 'built' THEN 1 ELSE 0 END) AS built,
		       SUM(CASE WHEN outcome = 'reused' THEN 1 ELSE 0 END) AS reused,
		       SUM(CASE WHEN duration_ms > 604800000 THEN 604800000 ELSE duration_ms END) AS duration_ms
		FROM builds WHERE ci_run_id IS NOT NULL GROUP BY ci_run_id
	) r
	JOIN (
		SELECT ci_run_id, recorded_at, id, git_sha,
		       ROW_NUMBER() OVER (PARTITION BY ci_run_id ORDER BY recorded_at DESC, id DESC) AS rn
		FROM builds WHERE ci_run_id IS NOT NULL
	) n ON n.ci_run_id = r.ci_run_id AND n.rn = 1`

const actualRuns = `SELECT ci_run_id, started_at, finished_at, images, built, reused, duration_ms,
	newest_recorded_at, newest_id, git_sha FROM run_summaries`

const actualSummaries = `SELECT image, project, latest_id, latest_recorded_at, builds, last_built_at, last_reused_at,
	runs, runs_reused FROM image_summaries`

// Check verifies the database: the engine's own integrity check (SQLite's
// integrity_check and foreign_key_check; in PostgreSQL, amcheck's
// bt_index_check of every index of the ledger's tables when the amcheck
// extension is installed), and that the image overview's summaries agree
// with the builds they sum up (the image overview's and the runs'). It returns what it checked, and an error
// naming the first problem found. It reads everything: a test's or an
// operator's tool, not a request's.
func (s *Store) Check(ctx context.Context) (checked []string, err error) {
	if s.dialect.name == "sqlite" {
		for _, pragma := range []string{"integrity_check", "foreign_key_check"} {
			rows, err := s.db.QueryContext(ctx, `PRAGMA `+pragma)
			if err != nil {
				return checked, fmt.Errorf("%s: %w", pragma, err)
			}
			var problems []string
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return checked, fmt.Errorf("%s: %w", pragma, err)
				}
				if line := fmt.Sprint(vals...); line != "ok" {
					problems = append(problems, line)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return checked, fmt.Errorf("%s: %w", pragma, err)
			}
			if len(problems) > 0 {
				return checked, fmt.Errorf("%s: %s", pragma, strings.Join(problems, "; "))
			}
			checked = append(checked, pragma)
		}
	} else {
		n, err := s.amcheck(ctx)
		if err != nil {
			return checked, err
		}
		if n > 0 {
			checked = append(checked, fmt.Sprintf("amcheck of %d indexes", n))
		}
	}
	for _, c := range []struct{ name, a, b string }{
		{"image_summaries missing or wrong", expectedSummaries, actualSummaries},
		{"image_summaries extra or wrong", actualSummaries, expectedSummaries},
		{"run_summaries missing or wrong", expectedRuns, actualRuns},
		{"run_summaries extra or wrong", actualRuns, expectedRuns},
		{"image_runs missing or wrong", `SELECT image, ci_run_id, MAX(CASE WHEN outcome = 'reused' THEN 1 ELSE 0 END)
			FROM builds WHERE ci_run_id IS NOT NULL GROUP BY image, ci_run_id`, `SELECT image, ci_run_id, reused FROM image_runs`},
		{"image_runs extra or wrong", `SELECT image, ci_run_id, reused FROM image_runs`, `SELECT image, ci_run_id, MAX(CASE WHEN outcome = 'reused' THEN 1 ELSE 0 END)
			FROM builds WHERE ci_run_id IS NOT NULL GROUP BY image, ci_run_id`},
	} {
		var n int64
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+c.a+` EXCEPT `+c.b+`) d`).Scan(&n); err != nil {
			return checked, fmt.Errorf("compare summaries: %w", err)
		}
		if n > 0 {
			return checked, fmt.Errorf("%s: %d rows", c.name, n)
		}
	}
	return append(checked, "summaries"), nil
}

// amcheck runs bt_index_check (with heapallindexed: every row is in the
// index) on every B-tree index of the store's schema, when the amcheck
// extension is installed, and returns how many it checked.
func (s *Store) amcheck(ctx context.Context) (int, error) {
	var schema string
	err := s.db.QueryRowContext(ctx, `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
		WHERE e.extname = 'amcheck'`).Scan(&schema)
	if errNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("amcheck: %w", err)
	}
	var n int
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (
		SELECT `+quoteIdent(schema)+`.bt_index_check(c.oid, true)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
		WHERE c.relnamespace = current_schema()::regnamespace AND am.amname = 'btree') checked`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("amcheck: %w", err)
	}
	return n, nil
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
