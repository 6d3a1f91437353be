-- One row per image release: the version the release tool gave a digest
-- that main built, maybe many commits earlier (so not a column of builds).
-- A project has one release per version; one digest may have many.
-- recorded_at is Unix time in milliseconds (UTC); tags is a JSON array of strings.
CREATE TABLE releases (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project     TEXT    NOT NULL,
    image       TEXT    NOT NULL,
    digest      TEXT    NOT NULL CHECK (digest GLOB 'sha256:*' AND length(digest) = 71),
    version     TEXT    NOT NULL CHECK (length(version) BETWEEN 1 AND 128),
    tags        TEXT    NOT NULL CHECK (json_valid(tags) AND json_type(tags) = 'array'),
    git_sha     TEXT    NOT NULL,
    ci_run_id   TEXT,
    recorded_at INTEGER NOT NULL,
    UNIQUE (project, version)
) STRICT;

-- The list, newest first, of all projects and of one.
CREATE INDEX releases_recorded ON releases (recorded_at DESC, id DESC);
CREATE INDEX releases_project_recorded ON releases (project, recorded_at DESC, id DESC);
-- Which versions a digest was released as.
CREATE INDEX releases_project_digest ON releases (project, digest);
