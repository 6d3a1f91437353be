-- The Idempotency-Key of a recorded build: a retried POST with the same key
-- (from the same token) answers with the build it recorded the first time.
-- scope is the SHA-256 of the bearer token (hex), so that tokens never meet
-- each other's keys and no token is stored; request_hash is the SHA-256 of
-- the build as decoded, to tell a retry from another build under a reused
-- key. created_at is Unix milliseconds; rows older than the retention are
-- ignored and purged.
CREATE TABLE idempotency_keys (
    scope        TEXT    NOT NULL,
    idem_key     TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    build_id     INTEGER NOT NULL REFERENCES builds (id),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (scope, idem_key)
) STRICT;

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
