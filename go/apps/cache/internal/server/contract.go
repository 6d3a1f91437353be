package server

// The contract with Nx's self-hosted remote cache client, as read in the
// client shipped with Nx 23.2.1 (checked against its source, not only the
// docs):
//
// Where the client is. node_modules/nx/dist/src/tasks-runner/cache.js
// lines 248-260 (getHttpCache): when NX_SELF_HOSTED_REMOTE_CACHE_SERVER is
// set, Nx uses native_1.HttpRemoteCache, declared in
// node_modules/nx/dist/src/native/index.d.ts lines 101-105 and compiled
// into @nx/nx-linux-x64-gnu/nx.linux-x64-gnu.node from the Rust files
// packages/nx/src/native/cache/http_remote_cache.rs and errors.rs of the
// nrwl/nx repository. The binary carries that file's tracing call sites
// (http_remote_cache.rs:85, :126 ... :163, :198, :244 ... :280) and its
// error strings ("Requests should respond with text/plain on 401s", no
// timeout variants), which match the revisions read: http_remote_cache.rs
// at commit 035af009 line for line, errors.rs at ba886e79 by its strings.
// Line numbers below are of those files.
//
// Requests (http_remote_cache.rs):
//   - lines 28-35: NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN, when set, goes
//     into every request as "Authorization: Bearer <token>"; unset means
//     no Authorization header at all.
//   - lines 37-40: every request carries Content-Type:
//     application/octet-stream.
//   - line 77 and 165: the URL is format!("{}/v1/cache/{}", server, hash),
//     a plain join: a server URL with a trailing slash gives
//     "//v1/cache/", which routes.go tolerates; a path prefix in the
//     server URL is kept, so this server must then sit behind a proxy
//     that strips it.
//   - lines 78-83: GET sends Accept: application/octet-stream.
//   - lines 121-163, 166-176: PUT's body is the gzipped tar built in
//     memory (outputs, "terminalOutput", "code"), sent as a Vec<u8>, so
//     reqwest always sets Content-Length.
//
// Answers Nx understands:
//   - GET (lines 88-98): 200 with the tar.gz body → hit; 404 → miss;
//     anything else → an error (convert_response_to_error).
//   - PUT (lines 178-186): 200 → stored; 409 → "already exists, silently
//     do not store"; 403 → "authorized but may not store (e.g. read-only
//     token)"; anything else, 201/202/204 included, is an error.
//   - errors.rs lines 28-54 (convert_response_to_error): a 401 whose
//     Content-Type equals "text/plain" exactly (a byte comparison of the
//     header value at line 34, so "text/plain; charset=utf-8" fails)
//     becomes "Unauthorized: <body>"; any other 401 becomes
//     "Misconfigured remote cache endpoint: Requests should respond with
//     text/plain on 401s"; other statuses "Unexpected response status".
//
// Hence: every /v1/cache error body here is text/plain (httpx.WriteText),
// PUT answers 200/403/409, GET answers 200/404, and the hash is what Nx
// computes (decimal xxh3 strings; see store.CheckHash). Later Nx releases
// (errors.rs after 23.2.1) add that a damaged artifact cannot be repaired
// because "the server answers later uploads of the same hash with 409
// Conflict", and ask servers to reject uploads shorter than their
// Content-Length; both hold here, and a corrupt entry is removed on read
// so the next upload can replace it.

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
