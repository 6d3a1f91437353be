package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"slipway/apps/api/internal/ledger"
	"slipway/libs/httpx"
)

// Error codes specific to the ledger API.
const (
	codeInvalidBuild          = "invalid_build"
	codeInvalidRelease        = "invalid_release"
	codeReleaseConflict       = "release_conflict"
	codeInvalidQuery          = "invalid_query"
	codeInvalidIdempotencyKey = "invalid_idempotency_key"
	codeIdempotencyKeyReused  = "idempotency_key_reused"
	codeClientClosed          = "client_closed_request"
)

// statusClientClosed is nginx's 499 "client closed request": the status
// of a request whose client left before the answer. Nobody reads it; the
// request log does, at info level rather than as a 5xx error.
const statusClientClosed = 499

// fail answers err. It is the one place where errors become statuses:
//
//   - an *httpx.Error is already an answer (a bad header, body or query);
//   - a *ledger.ValidationError is 400 invalid_build (invalid_release for
//     a release), naming the bad fields;
//   - a *ledger.ReleaseConflictError is 409 release_conflict, naming the
//     properties that differ from the recorded release;
//   - a *ledger.NotFoundError is 404 not_found, naming the image or run;
//   - ledger.ErrIdempotencyKeyReused is 422 idempotency_key_reused;
//   - anything else is logged and answers 500 internal_error without its
//     details, or 499 when the client has gone away.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	httpx.WriteError(w, s.answer(r, err))
}

// answer is the error answer fail writes for err.
func (s *Server) answer(r *http.Request, err error) *httpx.Error {
	var (
		answer   *httpx.Error
		invalid  *ledger.ValidationError
		notFound *ledger.NotFoundError
		conflict *ledger.ReleaseConflictError
	)
	switch {
	case errors.As(err, &answer):
		return answer
	case errors.As(err, &invalid) && invalid.Record == "release":
		return &httpx.Error{Status: http.StatusBadRequest, Code: codeInvalidRelease,
			Message: "The release record is invalid; see fields for details.", Fields: invalid.Fields}
	case errors.As(err, &invalid):
		return &httpx.Error{Status: http.StatusBadRequest, Code: codeInvalidBuild,
			Message: "The build record is invalid; see fields for details.", Fields: invalid.Fields}
	case errors.As(err, &conflict):
		return &httpx.Error{Status: http.StatusConflict, Code: codeReleaseConflict,
			Message: fmt.Sprintf("Project %s already has release %s of another digest or image; a release version is recorded once.",
				httpx.Quote(conflict.Project), httpx.Quote(conflict.Version)),
			Fields: conflict.Fields}
	case errors.As(err, &notFound) && notFound.Kind == ledger.NotFoundRun:
		return httpx.NewError(http.StatusNotFound, httpx.CodeNotFound,
			fmt.Sprintf("No CI run %s is recorded.", httpx.Quote(notFound.Name)))
	case errors.As(err, &notFound):
		return httpx.NewError(http.StatusNotFound, httpx.CodeNotFound,
			fmt.Sprintf("No builds are recorded for image %s.", httpx.Quote(notFound.Name)))
	case errors.Is(err, ledger.ErrIdempotencyKeyReused):
		return httpx.NewError(http.StatusUnprocessableEntity, codeIdempotencyKeyReused,
			fmt.Sprintf("The %s %s was already used for another build record; a new record needs a new key.",
				headerIdempotencyKey, httpx.Quote(r.Header.Get(headerIdempotencyKey))))
	case r.Context().Err() != nil:
		// The client has gone away: the failure is the query cancelled
		// with its request, not the server's, so it is logged at info
		// level and error logs stay worth an alert.
		s.log.InfoContext(r.Context(), "request abandoned by the client",
			slog.String("method", r.Method), slog.String("path", r.URL.EscapedPath()), slog.Any("err", err))
		return httpx.NewError(statusClientClosed, codeClientClosed, "The client closed the request.")
	default:
		s.log.ErrorContext(r.Context(), "request failed",
			slog.String("method", r.Method), slog.String("path", r.URL.EscapedPath()), slog.Any("err", err))
		return httpx.NewError(http.StatusInternalServerError, httpx.CodeInternal, "An internal error occurred.")
	}
}
