-- The CI runs' summaries, kept up to date by every insert into builds with
-- a ci_run_id (in the insert's transaction), so that a page of runs reads a
-- few rows by index instead of grouping the whole builds table.
--
-- Per run: the first and last recorded_at of its builds (Unix ms), how
-- many builds it has and how many were built and reused, the sum of their
-- durations (each counted at most seven days, 604800000 ms, as the API
-- bounds new ones), and its newest build (by recorded_at, then id) with
-- that build's git sha.
CREATE TABLE run_summaries (
    ci_run_id          TEXT    PRIMARY KEY,
    started_at         INTEGER NOT NULL,
    finished_at        INTEGER NOT NULL,
    images             INTEGER NOT NULL CHECK (images > 0),
    built              INTEGER NOT NULL CHECK (built >= 0),
    reused             INTEGER NOT NULL CHECK (reused >= 0),
    duration_ms        INTEGER NOT NULL CHECK (duration_ms >= 0),
    newest_recorded_at INTEGER NOT NULL,
    newest_id          INTEGER NOT NULL REFERENCES builds (id),
    git_sha            TEXT    NOT NULL
) STRICT;

-- The runs' keyset order.
CREATE INDEX run_summaries_started ON run_summaries (started_at DESC, ci_run_id DESC);

-- The runs recorded before this migration.
INSERT INTO run_summaries (ci_run_id, started_at, finished_at, images, built, reused, duration_ms,
                           newest_recorded_at, newest_id, git_sha)
SELECT r.ci_run_id, r.started_at, r.finished_at, r.images, r.built, r.reused, r.duration_ms,
       n.recorded_at, n.id, n.git_sha
FROM (
    SELECT ci_run_id,
           MIN(recorded_at) AS started_at,
           MAX(recorded_at) AS finished_at,
           COUNT(*) AS images,
           SUM(CASE WHEN outcome = 'built' THEN 1 ELSE 0 END) AS built,
           SUM(CASE WHEN outcome = 'reused' THEN 1 ELSE 0 END) AS reused,
           SUM(CASE WHEN duration_ms > 604800000 THEN 604800000 ELSE duration_ms END) AS duration_ms
    FROM builds
    WHERE ci_run_id IS NOT NULL
    GROUP BY ci_run_id
) r
JOIN (
    SELECT ci_run_id, recorded_at, id, git_sha,
           ROW_NUMBER() OVER (PARTITION BY ci_run_id ORDER BY recorded_at DESC, id DESC) AS rn
    FROM builds
    WHERE ci_run_id IS NOT NULL
) n ON n.ci_run_id = r.ci_run_id AND n.rn = 1;
