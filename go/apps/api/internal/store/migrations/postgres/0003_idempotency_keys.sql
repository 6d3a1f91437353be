-- The Idempotency-Key of a recorded build; the PostgreSQL twin of
-- migrations/sqlite/0003_idempotency_keys.sql (which says what each column
-- holds).
CREATE TABLE idempotency_keys (
    scope        TEXT   NOT NULL,
    idem_key     TEXT   NOT NULL,
    request_hash TEXT   NOT NULL,
    build_id     BIGINT NOT NULL REFERENCES builds (id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (scope, idem_key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
