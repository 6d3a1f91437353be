package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Received is what ReceiveBody took in.
type Received struct {
	// N is the body's length in bytes.
	N int64
	// Sum is its SHA-256.
	Sum [sha256.Size]byte
	// HashTime is the time spent hashing, for the stores' metrics.
	HashTime time.Duration
}

// copyBufSize is the chunk in which uploads are read, written and hashed:
// large enough that an 8 MiB entry takes 32 writes, small enough that
// concurrent uploads stay within a few MiB of memory.
const copyBufSize = 256 << 10

var copyBufs = sync.Pool{New: func() any { b := make([]byte, copyBufSize); return &b }}

// ReceiveBody copies an upload to dst (a store's temporary file) and
// computes its SHA-256 on the way, from the same buffer, with the checks
// every Put makes: the body must be exactly size bytes (size -1: any
// length), and errors are sorted as the Store contract says: a body
// shorter or longer than declared gives ErrSizeMismatch (a transfer cut
// short, io.ErrUnexpectedEOF, also carries a *BodyError), another read
// failure a *BodyError, and a write failure a plain error naming dst's
// side. Reading stops when ctx is done.
func ReceiveBody(ctx context.Context, dst io.Writer, size int64, body io.Reader) (Received, error) {
	var rec Received
	if size >= 0 {
		// One byte more than declared is enough to notice a long body.
		body = io.LimitReader(body, size+1)
	}
	bufp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bufp)
	buf := *bufp
	h := sha256.New()
	for {
		if err := ctx.Err(); err != nil {
			return rec, &BodyError{Err: err}
		}
		m, err := body.Read(buf)
		if m > 0 {
			if _, werr := dst.Write(buf[:m]); werr != nil {
				return rec, fmt.Errorf("write: %w", werr)
			}
			t := time.Now()
			h.Write(buf[:m])
			rec.HashTime += time.Since(t)
			rec.N += int64(m)
		}
		if err == io.EOF {
			break
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			// net/http reports a body cut short of its Content-Length so.
			return rec, fmt.Errorf("%w: %w", ErrSizeMismatch, &BodyError{Err: err})
		}
		if err != nil {
			return rec, &BodyError{Err: err}
		}
	}
	if size >= 0 && rec.N != size {
		return rec, fmt.Errorf("%w: got %d bytes or more, declared %d", ErrSizeMismatch, rec.N, size)
	}
	copy(rec.Sum[:], h.Sum(nil))
	return rec, nil
}
