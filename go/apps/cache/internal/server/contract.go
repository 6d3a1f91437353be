package server

// The contract with Nx's self-hosted remote cache client, as the client of
// Nx 23.2.1 reads it (checked against its Rust source; the reading, with
// file and line references, is in tools/remote-cache/README.md): a token
// comes as "Authorization: Bearer <token>"; GET answers 200 (hit) or 404
// (miss); PUT answers 200 (stored), 403 (may not store) or 409 (exists);
// anything else is an error to Nx, which understands a 401 only with
// Content-Type exactly "text/plain", so every error body here is text.

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"slipway/apps/cache/internal/metrics"
	"slipway/apps/cache/internal/store"
	"slipway/libs/httpx"
)

// drainLimit bounds how much of a refused upload (403, 409) is read and
// thrown away so the answer reaches the client cleanly: net/http closes a
// connection whose request body was left unread, and a client still
// sending may then see a reset instead of the status.
const drainLimit = 64 << 20

// handleGet serves GET (and HEAD) /v1/cache/{hash}.
func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	if s.authenticate(w, r, s.cfg.AllowAnonymousRead) == accessNone {
		return
	}
	hash := r.PathValue("hash")
	if !s.checkHash(w, hash) {
		return
	}
	entry, err := s.store.Get(r.Context(), hash)
	if errors.Is(err, store.ErrNotFound) {
		s.metrics.Miss()
		httpx.WriteText(w, http.StatusNotFound, "No cache entry for this hash.")
		return
	}
	if err != nil {
		s.fail(w, r, metrics.OpGet, hash, err)
		return
	}
	defer entry.Body.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Length", strconv.FormatInt(entry.Size, 10))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	// CopyN hands the response an io.LimitedReader over the entry's file,
	// which net/http can send with sendfile.
	n, err := io.CopyN(w, entry.Body, entry.Size)
	s.metrics.Hit(n)
	if err != nil {
		s.log.WarnContext(r.Context(), "download interrupted", slog.String("hash", hash),
			slog.Int64("sent", n), slog.Int64("size", entry.Size), slog.Any("err", err))
	}
}

// handlePut serves PUT /v1/cache/{hash}. Everything that can refuse the
// upload without its body (the token, the hash, the declared length, an
// entry already stored) is decided before the body is read, so a client
// that sent "Expect: 100-continue" gets its refusal instead of an
// invitation to send (see refuseUpload).
func (s *Server) handlePut(w http.ResponseWriter, r *http.Request) {
	switch s.authenticate(w, r, false) {
	case accessNone:
		return
	case accessRead:
		s.refuseUpload(w, r, http.StatusForbidden, metrics.Forbidden, "this token may only read")
		return
	}
	hash := r.PathValue("hash")
	if !s.checkHash(w, hash) {
		return
	}
	if r.ContentLength > s.cfg.MaxEntryBytes {
		s.tooLarge(w)
		return
	}
	exists, err := s.store.Exists(r.Context(), hash)
	if err != nil {
		s.fail(w, r, metrics.OpPut, hash, err)
		return
	}
	if exists {
		s.refuseUpload(w, r, http.StatusConflict, metrics.Exists, msgExists)
		return
	}

	body := &countingReader{r: http.MaxBytesReader(w, r.Body, s.cfg.MaxEntryBytes)}
	err = s.store.Put(r.Context(), hash, r.ContentLength, body)
	var maxErr *http.MaxBytesError
	var bodyErr *store.BodyError
	switch {
	case err == nil:
		s.metrics.Stored(body.n)
		httpx.WriteText(w, http.StatusOK, "Stored.")
	case errors.Is(err, store.ErrExists):
		// A concurrent writer of the same hash won; this body is read.
		s.refuseUpload(w, r, http.StatusConflict, metrics.Exists, msgExists)
	case errors.As(err, &maxErr), errors.Is(err, store.ErrTooLarge):
		s.tooLarge(w)
	case errors.Is(err, store.ErrSizeMismatch) && r.ContentLength < 0:
		// A chunked body cut off before its last chunk.
		s.refuse(w, http.StatusBadRequest, metrics.BadBody,
			"The upload ended before its last chunk; nothing was stored.")
	case errors.Is(err, store.ErrSizeMismatch):
		s.refuse(w, http.StatusBadRequest, metrics.BadBody,
			"The body is not as long as its Content-Length says; nothing was stored.")
	case errors.As(err, &bodyErr):
		s.log.InfoContext(r.Context(), "upload failed", slog.String("hash", hash), slog.Any("err", err))
		s.refuse(w, http.StatusBadRequest, metrics.BadBody, "The upload could not be read completely; nothing was stored.")
	default:
		s.fail(w, r, metrics.OpPut, hash, err)
	}
}

// msgExists is the body of a 409.
const msgExists = "An entry for this hash exists already; cache entries are immutable."

// refuseUpload answers a PUT whose body will not be stored. A client that
// sent "Expect: 100-continue" has sent no body yet: it gets the final
// status without "100 Continue" (net/http sends that only when the body
// is first read), nothing is read, and net/http closes the connection
// after the answer. Any other client is sending already, so up to
// drainLimit bytes are read and dropped first, letting it see the status
// instead of a reset.
func (s *Server) refuseUpload(w http.ResponseWriter, r *http.Request, status int, reason metrics.Reason, msg string) {
	if !expectsContinue(r) {
		drain(r)
	}
	s.refuse(w, status, reason, msg)
}

// expectsContinue reports whether the client waits for "100 Continue"
// before it sends the body.
func expectsContinue(r *http.Request) bool {
	return strings.EqualFold(strings.TrimSpace(r.Header.Get("Expect")), "100-continue")
}

// checkHash validates the hash before anything touches the store,
// answering 400 when it is not acceptable.
func (s *Server) checkHash(w http.ResponseWriter, hash string) bool {
	if err := store.CheckHash(hash); err != nil {
		s.refuse(w, http.StatusBadRequest, metrics.InvalidHash,
			"Invalid hash in /v1/cache/{hash}: it must be 1 to 128 letters or digits.")
		return false
	}
	return true
}

// tooLarge answers 413.
func (s *Server) tooLarge(w http.ResponseWriter) {
	s.refuse(w, http.StatusRequestEntityTooLarge, metrics.TooLarge,
		"The entry is larger than this server's limit of "+strconv.FormatInt(s.cfg.MaxEntryBytes, 10)+
			" bytes (CACHE_MAX_ENTRY_BYTES); nothing was stored.")
}

// refuse counts a refusal and answers it in plain text.
func (s *Server) refuse(w http.ResponseWriter, status int, reason metrics.Reason, msg string) {
	s.metrics.Refused(reason)
	httpx.WriteText(w, status, msg)
}

// fail logs a server-side failure and answers 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, op metrics.Op, hash string, err error) {
	s.metrics.Error(op)
	s.log.ErrorContext(r.Context(), "cache store failed", slog.String("method", r.Method),
		slog.String("hash", hash), slog.Any("err", err))
	httpx.WriteText(w, http.StatusInternalServerError, "The cache server failed; see its log.")
}

// drain reads and discards up to drainLimit bytes of the request body.
func drain(r *http.Request) {
	_, _ = io.CopyN(io.Discard, r.Body, drainLimit)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

// Read reads from the underlying reader and counts.
func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
