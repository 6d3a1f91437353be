package store

import (
	"context"
	"database/sql"
	"fmt"

	"slipway/apps/api/internal/ledger"
)

// Images returns one page of the image overview that passes filter, newest
// latest build first, by keyset on (latest_recorded_at, latest_id). It reads
// the summaries insertBuild keeps and each image's latest build by its id:
// a page costs limit+1 index entries and as many row lookups, however many
// builds the ledger holds.
func (s *Store) Images(ctx context.Context, filter ledger.ImageFilter, page ledger.ImagePageRequest) (ledger.ImagePage, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	query := `SELECT ` + buildColumns("b") + `, s.builds, s.last_built_at, s.last_reused_at, s.runs, s.runs_reused
		FROM image_summaries s JOIN builds b ON b.id = s.latest_id
		WHERE TRUE`
	var args []any
	if filter.Project != "" {
		query += ` AND s.project = ?`
		args = append(args, filter.Project)
	}
	if page.After != nil {
		query += ` AND (s.latest_recorded_at, s.latest_id) < (?, ?)`
		args = append(args, page.After.RecordedAt.UnixMilli(), page.After.ID)
	}
	images, next, err := keysetPage[ledger.ImageSummary, ledger.ImageCursor]{
		query: query + ` ORDER BY s.latest_recorded_at DESC, s.latest_id DESC`, args: args,
		limit: page.Limit, maxLimit: ledger.MaxImagePageSize,
		scan: scanImage, cursorAt: ledger.ImageCursorAt,
	}.read(ctx, s)
	if err != nil {
		return ledger.ImagePage{}, fmt.Errorf("list images: %w", err)
	}
	return ledger.ImagePage{Images: images, Next: next}, nil
}

// scanImage reads a row of Images: the latest build, then the summary.
func scanImage(row scanner) (ledger.ImageSummary, error) {
	var (
		im                    ledger.ImageSummary
		lastBuilt, lastReused sql.NullInt64
	)
	b, err := scanBuild(row, &im.Builds, &lastBuilt, &lastReused, &im.Runs, &im.RunsReused)
	if err != nil {
		return ledger.ImageSummary{}, err
	}
	im.Image, im.Project, im.Latest = b.Image, b.Project, b
	im.LastBuiltAt, im.LastReusedAt = timePtr(lastBuilt), timePtr(lastReused)
	return im, nil
}

// imageExists returns nil when image has a build, a ledger.NotFoundError
// when it has none.
func (s *Store) imageExists(ctx context.Context, image string) error {
	var exists bool
	if err := s.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM builds WHERE image = ?)`, image).Scan(&exists); err != nil {
		return fmt.Errorf("find image: %w", err)
	}
	if !exists {
		return ledger.ImageNotFound(image)
	}
	return nil
}

// Sizes returns the most recent limit builds of image as size points,
// oldest first, or a ledger.NotFoundError when the image has no builds.
func (s *Store) Sizes(ctx context.Context, image string, limit int) ([]ledger.SizePoint, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	if limit <= 0 || limit > ledger.MaxSizePoints {
		return nil, fmt.Errorf("list sizes: limit %d out of range 1..%d", limit, ledger.MaxSizePoints)
	}
	points, err := queryAll(ctx, s, s.db, scanSizePoint, `
		SELECT recorded_at, size_bytes, budget_bytes, digest, outcome, git_sha FROM (
			SELECT recorded_at, id, size_bytes, budget_bytes, digest, outcome, git_sha
			FROM builds WHERE image = ?
			ORDER BY recorded_at DESC, id DESC
			LIMIT ?
		) recent
		ORDER BY recorded_at, id`, image, limit)
	if err != nil {
		return nil, fmt.Errorf("list sizes: %w", err)
	}
	if len(points) == 0 {
		return nil, ledger.ImageNotFound(image)
	}
	return points, nil
}

// scanSizePoint reads a row of Sizes.
func scanSizePoint(row scanner) (ledger.SizePoint, error) {
	var (
		p          ledger.SizePoint
		recordedAt int64
		budget     sql.NullInt64
		outcome    string
	)
	if err := row.Scan(&recordedAt, &p.SizeBytes, &budget, &p.Digest, &outcome, &p.GitSHA); err != nil {
		return ledger.SizePoint{}, err
	}
	p.RecordedAt, p.BudgetBytes, p.Outcome = fromMillis(recordedAt), intPtr(budget), ledger.Outcome(outcome)
	return p, nil
}
