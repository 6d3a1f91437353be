package server

import (
	"log/slog"
	"net/http"

	"slipway/apps/api/internal/apitypes"
	"slipway/apps/api/internal/ledger"
	"slipway/libs/httpx"
)

// handleCreateRelease records one release. The body is decoded strictly
// into the contract's NewRelease and validated by the ledger (400
// invalid_release). A project has one release per version, so no
// Idempotency-Key is needed: the same release again answers 200 with the
// stored record, and the version of another digest or image answers 409.
func (s *Server) handleCreateRelease(w http.ResponseWriter, r *http.Request) {
	var body apitypes.NewRelease
	if e := httpx.DecodeJSON(r, &body); e != nil {
		s.fail(w, r, e)
		return
	}
	in := newReleaseFromAPI(body)
	if err := in.Validate(); err != nil {
		s.fail(w, r, err)
		return
	}
	stored, created, err := s.store.AddRelease(r.Context(), ledger.Release{NewRelease: in, RecordedAt: s.now().UTC()})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status, msg := http.StatusCreated, "release recorded"
	if !created {
		status, msg = http.StatusOK, "release already recorded"
	}
	s.log.InfoContext(r.Context(), msg, slog.Int64("id", stored.ID), slog.String("project", stored.Project),
		slog.String("version", stored.Version), slog.String("digest", stored.Digest))
	httpx.WriteJSON(w, status, releaseToAPI(stored))
}

// handleListReleases answers the most recent releases (of one project,
// with ?project=), newest first.
func (s *Server) handleListReleases(w http.ResponseWriter, r *http.Request) {
	q := newQueryParams(r)
	project := q.project()
	limit := q.limit(ledger.DefaultReleaseListSize, ledger.MaxReleaseListSize)
	if e := q.err(); e != nil {
		s.fail(w, r, e)
		return
	}
	releases, err := s.store.Releases(r.Context(), project, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, releaseListToAPI(releases))
}
