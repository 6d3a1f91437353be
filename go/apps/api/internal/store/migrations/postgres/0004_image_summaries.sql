-- The image overview, kept up to date by every insert into builds; the
-- PostgreSQL twin of migrations/sqlite/0004_image_summaries.sql (which says
-- what each column holds).
--
-- image_runs: one row per image and CI run it appeared in; reused is 1 once
-- a build of the image in the run was reused. It tells an insert whether
-- its (image, run) is new, for the distinct-run counts below.
CREATE TABLE image_runs (
    image     TEXT    NOT NULL,
    ci_run_id TEXT    NOT NULL,
    reused    INTEGER NOT NULL CHECK (reused IN (0, 1)),
    PRIMARY KEY (image, ci_run_id)
);

-- image_summaries: per image its latest build (by recorded_at, then id),
-- that build's project, its number of builds, when it was last built and
-- last reused (Unix ms, NULL if never), and in how many distinct CI runs it
-- appeared and was reused.
CREATE TABLE image_summaries (
    image              TEXT    PRIMARY KEY,
    project            TEXT    NOT NULL,
    latest_id          BIGINT  NOT NULL REFERENCES builds (id),
    latest_recorded_at BIGINT  NOT NULL,
    builds             BIGINT  NOT NULL CHECK (builds > 0),
    last_built_at      BIGINT,
    last_reused_at     BIGINT,
    runs               BIGINT  NOT NULL CHECK (runs >= 0),
    runs_reused        BIGINT  NOT NULL CHECK (runs_reused >= 0)
);

-- The overview's keyset order, overall and per project.
CREATE INDEX image_summaries_latest ON image_summaries (latest_recorded_at DESC, latest_id DESC);
CREATE INDEX image_summaries_project_latest ON image_summaries (project, latest_recorded_at DESC, latest_id DESC);

-- The builds recorded before this migration.
INSERT INTO image_runs (image, ci_run_id, reused)
SELECT image, ci_run_id, MAX(CASE WHEN outcome = 'reused' THEN 1 ELSE 0 END)
FROM builds
WHERE ci_run_id IS NOT NULL
GROUP BY image, ci_run_id;

INSERT INTO image_summaries (image, project, latest_id, latest_recorded_at, builds, last_built_at, last_reused_at, runs, runs_reused)
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
    FROM builds
    GROUP BY image
) c ON c.image = l.image
LEFT JOIN (
    SELECT image, COUNT(*) AS runs, SUM(reused) AS runs_reused
    FROM image_runs
    GROUP BY image
) r ON r.image = l.image
WHERE l.rn = 1;
