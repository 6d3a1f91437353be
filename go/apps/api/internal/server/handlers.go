package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"slipway/apps/api/internal/apitypes"
	"slipway/apps/api/internal/ledger"
	"slipway/libs/httpx"
)

// Error codes specific to the ledger API.
const (
	codeInvalidBuild = "invalid_build"
	codeInvalidQuery = "invalid_query"
)

// handleHealthz reports liveness; it does not touch the database.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	httpx.WriteJSON(w, http.StatusOK, apitypes.Health{Status: apitypes.HealthStatusOk, Version: s.cfg.Version})
}

// handleReadyz reports readiness: 200 when the database answers.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.WarnContext(r.Context(), "readiness check failed", slog.Any("err", err))
		httpx.WriteError(w, httpx.NewError(http.StatusServiceUnavailable, httpx.CodeUnavailable, "The database is not answering."))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, apitypes.Readiness{Status: apitypes.ReadinessStatusOk})
}

// handleCreateBuild records one image build. The body is decoded strictly
// into the contract's NewBuild (unknown fields and wrong JSON types give 400
// invalid_json) and then validated by the ledger (400 invalid_build).
func (s *Server) handleCreateBuild(w http.ResponseWriter, r *http.Request) {
	var body apitypes.NewBuild
	if e := httpx.DecodeJSON(r, &body); e != nil {
		httpx.WriteError(w, e)
		return
	}
	in := newBuildFromAPI(body)
	if err := in.Validate(); err != nil {
		var ve *ledger.ValidationError
		if errors.As(err, &ve) {
			httpx.WriteError(w, &httpx.Error{
				Status:  http.StatusBadRequest,
				Code:    codeInvalidBuild,
				Message: "The build record is invalid; see fields for details.",
				Fields:  ve.Fields,
			})
			return
		}
		s.internalError(w, r, err)
		return
	}
	b, err := s.store.AddBuild(r.Context(), ledger.Build{NewBuild: in, RecordedAt: s.now().UTC()})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "build recorded",
		slog.Int64("id", b.ID), slog.String("project", b.Project), slog.String("image", b.Image),
		slog.String("digest", b.Digest), slog.String("outcome", string(b.Outcome)))
	httpx.WriteJSON(w, http.StatusCreated, buildToAPI(b))
}

// handleListImages lists every image with its latest build.
func (s *Server) handleListImages(w http.ResponseWriter, r *http.Request) {
	images, err := s.store.Images(r.Context())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, imageListToAPI(images))
}

// handleListBuilds pages through one image's builds, newest first.
func (s *Server) handleListBuilds(w http.ResponseWriter, r *http.Request) {
	image := r.PathValue("image")
	q := r.URL.Query()
	page := ledger.PageRequest{Limit: ledger.DefaultPageSize}
	fields := map[string]string{}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > ledger.MaxPageSize {
			fields["limit"] = "must be an integer from 1 to " + strconv.Itoa(ledger.MaxPageSize)
		}
		page.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		c, err := ledger.ParseCursor(v)
		if err != nil {
			fields["cursor"] = "is not a valid cursor; pass nextCursor from the previous page unchanged"
		}
		page.After = &c
	}
	if len(fields) > 0 {
		httpx.WriteError(w, &httpx.Error{
			Status:  http.StatusBadRequest,
			Code:    codeInvalidQuery,
			Message: "The query parameters are invalid; see fields for details.",
			Fields:  fields,
		})
		return
	}
	// A name that is not a valid image name cannot have builds.
	if msg := ledger.ValidateImageName(image); msg != "" {
		httpx.Errorf(w, http.StatusNotFound, httpx.CodeNotFound, "No builds are recorded for image %q.", image)
		return
	}
	res, err := s.store.Builds(r.Context(), image, page)
	if errors.Is(err, ledger.ErrNotFound) {
		httpx.Errorf(w, http.StatusNotFound, httpx.CodeNotFound, "No builds are recorded for image %q.", image)
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, buildPageToAPI(res))
}

// internalError logs err and answers 500 without leaking details.
func (s *Server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "request failed",
		slog.String("method", r.Method), slog.String("path", r.URL.EscapedPath()), slog.Any("err", err))
	httpx.WriteError(w, httpx.NewError(http.StatusInternalServerError, httpx.CodeInternal, "An internal error occurred."))
}
