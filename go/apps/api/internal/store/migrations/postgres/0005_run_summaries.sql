-- The CI runs' summaries, kept up to date by every insert into builds with
-- a ci_run_id; the PostgreSQL twin of migrations/sqlite/0005_run_summaries.sql
-- (which says what each column holds).
CREATE TABLE run_summaries (
    ci_run_id          TEXT    PRIMARY KEY,
    started_at         BIGINT  NOT NULL,
    finished_at        BIGINT  NOT NULL,
    images             BIGINT  NOT NULL CHECK (images > 0),
    built              BIGINT  NOT NULL CHECK (built >= 0),
    reused             BIGINT  NOT NULL CHECK (reused >= 0),
    duration_ms        BIGINT  NOT NULL CHECK (duration_ms >= 0),
    newest_recorded_at BIGINT  NOT NULL,
    newest_id          BIGINT  NOT NULL REFERENCES builds (id),
    git_sha            TEXT    NOT NULL
);

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
