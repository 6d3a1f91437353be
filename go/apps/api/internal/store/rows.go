package store

import (
	"context"
	"database/sql"
	"fmt"
)

// querier is *sql.DB or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// queryAll runs query, written with "?" placeholders, through q and reads
// every row with scan. The result is never nil, so it encodes as [].
func queryAll[T any](ctx context.Context, s *Store, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, s.dialect.sql(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// keysetPage asks for one page of a list in keyset order.
type keysetPage[T, C any] struct {
	// query selects the list in its order (ORDER BY, no LIMIT), past the
	// cursor when there is one; args are its arguments.
	query string
	args  []any
	// limit is the page size, refused outside 1..maxLimit.
	limit, maxLimit int
	// scan reads one row; cursorAt is the cursor pointing at an item.
	scan     func(scanner) (T, error)
	cursorAt func(T) C
}

// read reads the page: it asks for one row more than limit, whose presence
// says that another page follows. next then points at the page's last item;
// it is nil on the last page.
func (p keysetPage[T, C]) read(ctx context.Context, s *Store) (items []T, next *C, err error) {
	if p.limit <= 0 || p.limit > p.maxLimit {
		return nil, nil, fmt.Errorf("limit %d out of range 1..%d", p.limit, p.maxLimit)
	}
	items, err = queryAll(ctx, s, s.db, p.scan, p.query+` LIMIT ?`, append(p.args, p.limit+1)...)
	if err != nil {
		return nil, nil, err
	}
	if len(items) > p.limit {
		items = items[:p.limit]
		c := p.cursorAt(items[p.limit-1])
		next = &c
	}
	return items, next, nil
}
