package httpx

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

// Middleware wraps an http.Handler.
type Middleware func(http.Handler) http.Handler

// Chain applies middleware to h so that the first one listed is the
// outermost: Chain(h, a, b) is a(b(h)).
func Chain(h http.Handler, mw ...Middleware) http.Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// LimitBody returns middleware that caps the request body at n bytes with
// http.MaxBytesReader. A request whose Content-Length already exceeds n is
// answered 413 at once; a body that turns out longer while being read makes
// DecodeJSON answer 413. n <= 0 means no limit.
func LimitBody(n int64) Middleware {
	return func(next http.Handler) http.Handler {
		if n <= 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > n {
				WriteError(w, NewError(http.StatusRequestEntityTooLarge, CodeBodyTooLarge,
					fmt.Sprintf("The request body is larger than the limit of %d bytes.", n)))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, n)
			next.ServeHTTP(w, r)
		})
	}
}

// StatusRecorder wraps a ResponseWriter and remembers the status code and
// byte count of the response, for request logs and metrics.
type StatusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

// Status is the status code sent, 0 while none is.
func (s *StatusRecorder) Status() int { return s.status }

// Bytes is the number of body bytes written so far.
func (s *StatusRecorder) Bytes() int64 { return s.bytes }

// WriteHeader records the first status code and passes it on.
func (s *StatusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write counts the bytes written (an implicit 200 if no status yet).
func (s *StatusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// ReadFrom counts the bytes copied and passes the copy on to the underlying
// writer's io.ReaderFrom, so that io.Copy from a file keeps using sendfile.
func (s *StatusRecorder) ReadFrom(src io.Reader) (int64, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	var n int64
	var err error
	if rf, ok := s.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(src)
	} else {
		n, err = io.Copy(writerOnly{s.ResponseWriter}, src)
	}
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *StatusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// LogRequests returns middleware that logs one record per request after it
// completes: method, path, matched route pattern, status, response bytes,
// duration and remote address. 5xx responses are logged at error level,
// everything else at info.
func LogRequests(logger *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &StatusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			logger.LogAttrs(r.Context(), level, "request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.EscapedPath()),
				slog.String("route", r.Pattern),
				slog.Int("status", status),
				slog.Int64("bytes", rec.bytes),
				slog.Float64("durationMs", float64(time.Since(start).Microseconds())/1000),
				slog.String("remote", r.RemoteAddr),
			)
		})
	}
}

// Recover returns middleware that turns a panic in a handler into a logged
// error and a 500 JSON response (if nothing was written yet).
// http.ErrAbortHandler is re-panicked, as net/http expects.
func Recover(logger *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.ErrorContext(r.Context(), "panic in handler",
					slog.Any("panic", v), slog.String("stack", string(debug.Stack())),
					slog.String("method", r.Method), slog.String("path", r.URL.EscapedPath()))
				WriteError(w, NewError(http.StatusInternalServerError, CodeInternal, "An internal error occurred."))
			}()
			next.ServeHTTP(w, r)
		})
	}
}
