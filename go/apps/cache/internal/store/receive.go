package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
)

// ReceiveBody copies an upload to dst (a store's temporary file) and
// computes its SHA-256, with the checks every Put makes: the body must be
// exactly size bytes (size -1: any length), and errors are sorted as the
// Store contract says: a body shorter or longer than declared gives
// ErrSizeMismatch (a transfer cut short, io.ErrUnexpectedEOF, also
// carries a *BodyError), another read failure a *BodyError, and a write
// failure a plain error naming dst's side. Reading stops when ctx is done.
func ReceiveBody(ctx context.Context, dst io.Writer, size int64, body io.Reader) (int64, [sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	if size >= 0 {
		// One byte more than declared is enough to notice a long body.
		body = io.LimitReader(body, size+1)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(dstWriter{dst}, h), ctxReader{ctx, body})
	if err != nil {
		var we *dstError
		switch {
		case errors.As(err, &we):
			return n, sum, fmt.Errorf("write: %w", we.err)
		case errors.Is(err, io.ErrUnexpectedEOF):
			// net/http reports a body cut short of its Content-Length so.
			return n, sum, fmt.Errorf("%w: %w", ErrSizeMismatch, &BodyError{Err: err})
		default:
			return n, sum, &BodyError{Err: err}
		}
	}
	if size >= 0 && n != size {
		return n, sum, fmt.Errorf("%w: got %d bytes or more, declared %d", ErrSizeMismatch, n, size)
	}
	copy(sum[:], h.Sum(nil))
	return n, sum, nil
}

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read reads from the underlying reader unless the context is done.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// dstWriter marks its write errors as *dstError, so that a failing disk
// is not mistaken for a failing upload.
type dstWriter struct{ w io.Writer }

// Write writes to the underlying writer, wrapping any error.
func (d dstWriter) Write(p []byte) (int, error) {
	n, err := d.w.Write(p)
	if err != nil {
		err = &dstError{err}
	}
	return n, err
}

// dstError is an error from the destination of a copy.
type dstError struct{ err error }

// Error implements error.
func (e *dstError) Error() string { return e.err.Error() }
