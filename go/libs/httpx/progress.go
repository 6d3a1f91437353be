package httpx

import (
	"io"
	"net/http"
	"time"
)

// ProgressDeadlines returns middleware that bounds how long a request may go
// without progress, instead of how long it may take. While the request body
// is being read, every read moves the connection's read deadline d into the
// future; every write of the response first moves the write deadline d
// ahead (through http.ResponseController). A client that stops sending its
// upload, or stops reading its download, for d makes the body read or the
// write fail, which ends the request; a slow but steady multi-gigabyte
// transfer is never cut off. Use it with a server whose ReadTimeout and
// WriteTimeout are NoTimeout (ReadHeaderTimeout still guards the headers).
//
// Time the handler spends on its own work (hashing, talking to a backend)
// is not bounded. No read deadline is set once the body is read to its end
// (nor for requests without a body): net/http then watches the connection
// with a background read, and a deadline expiring under that read would
// cancel the request's context.
//
// The wrapped ResponseWriter keeps io.ReaderFrom, so io.Copy from an
// *os.File can still use sendfile, in chunks between deadline moves.
// d <= 0 disables the middleware.
func ProgressDeadlines(d time.Duration) Middleware {
	return func(next http.Handler) http.Handler {
		if d <= 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := &progress{rc: http.NewResponseController(w), d: d}
			if r.Body != nil && r.Body != http.NoBody {
				p.extendRead(true)
				r.Body = &progressBody{ReadCloser: r.Body, p: p}
			}
			next.ServeHTTP(&progressWriter{ResponseWriter: w, p: p}, r)
			// One more window for net/http's final flush of the response.
			p.extendWrite(true)
		})
	}
}

// progressChunk is how much a ReadFrom copies between deadline moves. Each
// chunk must get through within the deadline, so it is small enough for a
// slow client (256 KiB per minute is 4.4 KB/s) yet large enough that
// sendfile still moves data in big steps.
const progressChunk = 256 << 10

// progress moves a connection's deadlines as a request makes progress.
type progress struct {
	rc                  *http.ResponseController
	d                   time.Duration
	lastRead, lastWrite time.Time
}

// extendRead pushes the read deadline d ahead. Unless force is set it does
// so at most every d/8, which keeps the cost per small read negligible
// while a stalled transfer still fails between 7/8·d and d after its last
// progress. Errors mean the writer cannot set deadlines (e.g. httptest's
// recorder); there is nothing better to do than carry on.
func (p *progress) extendRead(force bool) {
	now := time.Now()
	if force || now.Sub(p.lastRead) >= p.d/8 {
		p.lastRead = now
		_ = p.rc.SetReadDeadline(now.Add(p.d))
	}
}

// extendWrite pushes the write deadline d ahead, like extendRead.
func (p *progress) extendWrite(force bool) {
	now := time.Now()
	if force || now.Sub(p.lastWrite) >= p.d/8 {
		p.lastWrite = now
		_ = p.rc.SetWriteDeadline(now.Add(p.d))
	}
}

// progressBody is a request body that extends the deadlines as it is read.
type progressBody struct {
	io.ReadCloser
	p *progress
}

// Read reads from the body and records progress. At the end of the body
// it clears the read deadline (see ProgressDeadlines).
func (b *progressBody) Read(buf []byte) (int, error) {
	n, err := b.ReadCloser.Read(buf)
	if n > 0 {
		b.p.extendRead(false)
	}
	if err == io.EOF {
		_ = b.p.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// progressWriter is a ResponseWriter that extends the deadlines as it
// writes.
type progressWriter struct {
	http.ResponseWriter
	p *progress
}

// Write extends the write deadline, then writes.
func (w *progressWriter) Write(b []byte) (int, error) {
	w.p.extendWrite(false)
	return w.ResponseWriter.Write(b)
}

// ReadFrom copies src to the response in chunks, extending the write
// deadline before each, and passes each chunk to the underlying io.ReaderFrom when
// there is one. An *io.LimitedReader over an *os.File is re-sliced rather
// than wrapped, so the chunks stay eligible for sendfile.
func (w *progressWriter) ReadFrom(src io.Reader) (int64, error) {
	rf, ok := w.ResponseWriter.(io.ReaderFrom)
	if !ok {
		return io.Copy(writerOnly{w}, src)
	}
	var total int64
	for {
		w.p.extendWrite(true)
		var n int64
		var err error
		if lr, ok := src.(*io.LimitedReader); ok {
			if lr.N <= 0 {
				return total, nil
			}
			chunk := min(lr.N, progressChunk)
			n, err = rf.ReadFrom(&io.LimitedReader{R: lr.R, N: chunk})
			lr.N -= n
		} else {
			n, err = rf.ReadFrom(io.LimitReader(src, progressChunk))
		}
		total += n
		if err != nil || n < progressChunk {
			// A short chunk means src reached EOF (ReadFrom reports EOF as
			// success) or, for a LimitedReader, that its limit is spent.
			return total, err
		}
	}
}

// Flush flushes the underlying writer if it can.
func (w *progressWriter) Flush() {
	w.p.extendWrite(false)
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *progressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// writerOnly hides every method but Write, so io.Copy does not recurse
// into ReadFrom.
type writerOnly struct{ io.Writer }
