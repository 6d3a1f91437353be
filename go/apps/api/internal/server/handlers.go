package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"slipway/apps/api/internal/apitypes"
	"slipway/apps/api/internal/ledger"
	"slipway/libs/httpx"
)

// Headers of POST /api/v1/builds.
const (
	headerIdempotencyKey = "Idempotency-Key"
	// headerReplayed marks the answer to a retry: the build recorded by
	// the first request with the key, not a new one.
	headerReplayed = "Idempotent-Replayed"
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
		s.fail(w, r, httpx.NewError(http.StatusServiceUnavailable, httpx.CodeUnavailable, "The database is not answering."))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, apitypes.Readiness{Status: apitypes.ReadinessStatusOk})
}

// handleCreateBuild records one image build. The body is decoded strictly
// into the contract's NewBuild (unknown fields and wrong JSON types give 400
// invalid_json) and then validated by the ledger (400 invalid_build). With
// an Idempotency-Key, a retry answers with the build the key first
// recorded (same status and body, plus Idempotent-Replayed: true), and the
// key sent with another build answers 422.
func (s *Server) handleCreateBuild(w http.ResponseWriter, r *http.Request) {
	key, e := idempotencyKey(r)
	if e != nil {
		s.fail(w, r, e)
		return
	}
	var body apitypes.NewBuild
	if e := httpx.DecodeJSON(r, &body); e != nil {
		s.fail(w, r, e)
		return
	}
	in := newBuildFromAPI(body)
	if err := in.Validate(); err != nil {
		s.fail(w, r, err)
		return
	}
	record := ledger.Build{NewBuild: in, RecordedAt: s.now().UTC()}
	var (
		b        ledger.Build
		replayed bool
		err      error
	)
	if key == "" {
		b, err = s.store.AddBuild(r.Context(), record)
	} else {
		b, replayed, err = s.store.AddBuildOnce(r.Context(), record,
			ledger.IdempotencyKey{Scope: tokenScope(r), Key: key, RequestHash: in.Fingerprint()})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "build recorded"
	if replayed {
		msg = "build already recorded under the idempotency key"
		w.Header().Set(headerReplayed, "true")
	}
	s.log.InfoContext(r.Context(), msg,
		slog.Int64("id", b.ID), slog.String("project", b.Project), slog.String("image", b.Image),
		slog.String("digest", b.Digest), slog.String("outcome", string(b.Outcome)))
	httpx.WriteJSON(w, http.StatusCreated, buildToAPI(b))
}

// idempotencyKey reads the Idempotency-Key header: "" when absent, a 400
// when it is given twice or is not 1 to 128 visible ASCII characters.
func idempotencyKey(r *http.Request) (string, *httpx.Error) {
	values := r.Header.Values(headerIdempotencyKey)
	if len(values) == 0 {
		return "", nil
	}
	problem := ""
	if len(values) > 1 {
		problem = "must be sent once"
	} else {
		problem = ledger.ValidateIdempotencyKey(values[0])
	}
	if problem != "" {
		return "", &httpx.Error{
			Status:  http.StatusBadRequest,
			Code:    codeInvalidIdempotencyKey,
			Message: "The " + headerIdempotencyKey + " header is invalid; see fields for details.",
			Fields:  map[string]string{headerIdempotencyKey: problem},
		}
	}
	return values[0], nil
}

// tokenScope is the scope of a request's idempotency keys: the hex SHA-256
// of its bearer token (already checked by the auth middleware), so that
// each token has keys of its own and no token is stored.
func tokenScope(r *http.Request) string {
	token, _ := httpx.BearerToken(r)
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// handleListImages pages through the images (of one project, with
// ?project=), each with its latest build, last built/reused times and
// counts, newest latest build first.
func (s *Server) handleListImages(w http.ResponseWriter, r *http.Request) {
	q := newQueryParams(r)
	filter := ledger.ImageFilter{Project: q.project()}
	page := ledger.ImagePageRequest{Limit: q.limit(ledger.DefaultImagePageSize, ledger.MaxImagePageSize), After: cursor(q, ledger.ParseImageCursor)}
	if e := q.err(); e != nil {
		s.fail(w, r, e)
		return
	}
	res, err := s.store.Images(r.Context(), filter, page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, imagePageToAPI(res))
}

// handleListBuilds pages through one image's builds, newest first,
// optionally of one outcome.
func (s *Server) handleListBuilds(w http.ResponseWriter, r *http.Request) {
	image := r.PathValue("image")
	q := newQueryParams(r)
	filter := ledger.BuildFilter{Outcome: q.outcome()}
	page := ledger.BuildPageRequest{Limit: q.limit(ledger.DefaultBuildPageSize, ledger.MaxBuildPageSize), After: cursor(q, ledger.ParseBuildCursor)}
	if e := q.err(); e != nil {
		s.fail(w, r, e)
		return
	}
	if err := possibleImage(image); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.store.Builds(r.Context(), image, filter, page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, buildPageToAPI(res))
}

// handleListSizes answers an image's size history, oldest point first.
func (s *Server) handleListSizes(w http.ResponseWriter, r *http.Request) {
	image := r.PathValue("image")
	q := newQueryParams(r)
	limit := q.limit(ledger.DefaultSizePoints, ledger.MaxSizePoints)
	if e := q.err(); e != nil {
		s.fail(w, r, e)
		return
	}
	if err := possibleImage(image); err != nil {
		s.fail(w, r, err)
		return
	}
	points, err := s.store.Sizes(r.Context(), image, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, sizeSeriesToAPI(image, points))
}

// handleListRuns pages through CI runs, newest first.
func (s *Server) handleListRuns(w http.ResponseWriter, r *http.Request) {
	q := newQueryParams(r)
	page := ledger.RunPageRequest{Limit: q.limit(ledger.DefaultRunPageSize, ledger.MaxRunPageSize), After: cursor(q, ledger.ParseRunCursor)}
	if e := q.err(); e != nil {
		s.fail(w, r, e)
		return
	}
	res, err := s.store.Runs(r.Context(), page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, runPageToAPI(res))
}

// handleGetRun answers one CI run with its builds.
func (s *Server) handleGetRun(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("runId")
	if !ledger.PossibleCIRunID(id) {
		// Such an id cannot have been recorded: no query for it.
		s.fail(w, r, ledger.RunNotFound(id))
		return
	}
	run, err := s.store.Run(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, runToAPI(run))
}

// possibleImage is a ledger.NotFoundError when image is not a valid image
// name: such a name cannot have builds, so it is not looked up.
func possibleImage(image string) error {
	if ledger.ValidateImageName(image) != "" {
		return ledger.ImageNotFound(image)
	}
	return nil
}
