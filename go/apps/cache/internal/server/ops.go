package server

import (
	"bytes"
	"net/http"

	"slipway/apps/cache/internal/metrics"
	"slipway/apps/cache/internal/store"
	"slipway/libs/httpx"
)

// handleHealthz answers 200 "ok" without authentication while the process
// serves: the liveness check of the image's HEALTHCHECK. Whether the store
// can take a write is /readyz's question (ready.go).
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	httpx.WriteText(w, http.StatusOK, "ok")
}

// handleMetrics serves the counters and the store's gauges in the
// Prometheus text format, without authentication: they reveal counts,
// never hashes or tokens.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	var stats *store.Stats
	if rep, ok := s.store.(store.StatsReporter); ok {
		st := rep.Stats()
		stats = &st
	}
	var buf bytes.Buffer
	_ = s.metrics.WriteText(&buf, s.cfg.Version, stats) // a Buffer does not fail
	w.Header().Set("Content-Type", metrics.ContentType)
	_, _ = w.Write(buf.Bytes())
}
