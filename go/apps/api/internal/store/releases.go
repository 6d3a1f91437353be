package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"slipway/apps/api/internal/ledger"
)

// releaseColumns are the columns scanRelease reads, in order.
const releaseColumns = `id, project, image, digest, version, tags, git_sha, ci_run_id, recorded_at`

// AddRelease stores r unless its project already has a release of its
// version (see ledger.ReleaseStore). The insert and the read of the release
// it met are one transaction; ON CONFLICT DO NOTHING makes a racing second
// insert wait for the first (PostgreSQL) or run after it (SQLite) and then
// find its row, so two requests of one release store one.
func (s *Store) AddRelease(ctx context.Context, r ledger.Release) (ledger.Release, bool, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	tags, err := json.Marshal(r.Tags)
	if err != nil {
		return ledger.Release{}, false, err
	}
	r.RecordedAt = r.RecordedAt.UTC().Truncate(time.Millisecond)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return ledger.Release{}, false, fmt.Errorf("record release: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	err = tx.QueryRowContext(ctx, s.dialect.sql(`
		INSERT INTO releases (project, image, digest, version, tags, git_sha, ci_run_id, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (project, version) DO NOTHING
		RETURNING id`),
		r.Project, r.Image, r.Digest, r.Version, string(tags), r.GitSHA, nullString(r.CIRunID), r.RecordedAt.UnixMilli(),
	).Scan(&r.ID)
	switch {
	case err == nil:
		if err := tx.Commit(); err != nil {
			return ledger.Release{}, false, fmt.Errorf("record release: %w", err)
		}
		return r, true, nil
	case !errors.Is(err, sql.ErrNoRows):
		return ledger.Release{}, false, fmt.Errorf("record release: %w", err)
	}
	stored, err := scanRelease(tx.QueryRowContext(ctx, s.dialect.sql(`SELECT `+releaseColumns+` FROM releases
		WHERE project = ? AND version = ?`), r.Project, r.Version))
	if err != nil {
		return ledger.Release{}, false, fmt.Errorf("read recorded release: %w", err)
	}
	if err := r.Conflict(stored); err != nil {
		return ledger.Release{}, false, err
	}
	return stored, false, nil
}

// Releases returns the most recent limit releases (of project, when not
// empty), newest first.
func (s *Store) Releases(ctx context.Context, project string, limit int) ([]ledger.Release, error) {
	if limit <= 0 || limit > ledger.MaxReleaseListSize {
		return nil, fmt.Errorf("limit %d out of range 1..%d", limit, ledger.MaxReleaseListSize)
	}
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	query := `SELECT ` + releaseColumns + ` FROM releases`
	args := []any{}
	if project != "" {
		query += ` WHERE project = ?`
		args = append(args, project)
	}
	releases, err := queryAll(ctx, s, s.db, scanRelease, query+` ORDER BY recorded_at DESC, id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	return releases, nil
}

// scanRelease reads releaseColumns from row.
func scanRelease(row scanner) (ledger.Release, error) {
	var (
		r          ledger.Release
		tags       string
		ciRunID    sql.NullString
		recordedAt int64
	)
	if err := row.Scan(&r.ID, &r.Project, &r.Image, &r.Digest, &r.Version, &tags, &r.GitSHA, &ciRunID, &recordedAt); err != nil {
		return ledger.Release{}, err
	}
	if err := json.Unmarshal([]byte(tags), &r.Tags); err != nil {
		return ledger.Release{}, fmt.Errorf("release %d: tags: %w", r.ID, err)
	}
	r.CIRunID = ciRunID.String
	r.RecordedAt = fromMillis(recordedAt)
	return r, nil
}
