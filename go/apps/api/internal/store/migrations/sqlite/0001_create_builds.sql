-- One row per recorded image build.
-- recorded_at is Unix time in milliseconds (UTC); tags is a JSON array of strings.
CREATE TABLE builds (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project     TEXT    NOT NULL,
    image       TEXT    NOT NULL,
    digest      TEXT    NOT NULL,
    tags        TEXT    NOT NULL CHECK (json_valid(tags) AND json_type(tags) = 'array'),
    size_bytes  INTEGER NOT NULL CHECK (size_bytes > 0),
    platform    TEXT    NOT NULL,
    git_sha     TEXT    NOT NULL,
    nx_hash     TEXT    NOT NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('built', 'reused')),
    duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
    ci_run_id   TEXT,
    recorded_at INTEGER NOT NULL
) STRICT;

-- Serves the per-image keyset pagination and the latest-per-image summary.
CREATE INDEX builds_image_recorded ON builds (image, recorded_at DESC, id DESC);
