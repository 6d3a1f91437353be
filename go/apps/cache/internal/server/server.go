// Package server is the remote cache's HTTP layer: Nx's self-hosted cache
// contract on /v1/cache/{hash} (see contract.go), plus /healthz,
// /readyz and /metrics.
package server

import (
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"slipway/apps/cache/internal/metrics"
	"slipway/apps/cache/internal/store"
	"slipway/libs/httpx"
)

// Config holds the settings that shape HTTP behaviour.
type Config struct {
	// Version is reported by /metrics (slipway_cache_build_info).
	Version string
	// MaxEntryBytes caps an uploaded entry; larger ones get 413.
	MaxEntryBytes int64
	// AllowAnonymousRead lets GET through without a token.
	AllowAnonymousRead bool
	// StallTimeout ends a request whose transfer makes no progress for
	// this long (see httpx.ProgressDeadlines); 0 disables it.
	StallTimeout time.Duration
	// RequestLog, when set, is where the per-request records go, as JSON
	// lines encoded by the server (requestlog.go), which costs a 404 far
	// less than the logger does; the logger's level still applies. The
	// logger's own output should be the same writer. Nil: through the
	// logger.
	RequestLog io.Writer
}

// Tokens are the accepted bearer tokens.
type Tokens struct {
	// Read may GET entries.
	Read *httpx.TokenSet
	// Write may GET and PUT entries.
	Write *httpx.TokenSet
}

// Server is the cache server as an http.Handler. Create it with New.
type Server struct {
	store   store.Store
	log     *slog.Logger
	tokens  Tokens
	metrics *metrics.Metrics
	cfg     Config
	handler http.Handler
	// inflight counts requests in their handlers, for WaitIdle.
	inflight sync.WaitGroup
	// readiness caches the last readiness check (ready.go).
	readiness readiness
}

// New returns a Server that keeps entries in st, logs to logger, lets
// tokens in and counts into m.
func New(st store.Store, logger *slog.Logger, tokens Tokens, m *metrics.Metrics, cfg Config) *Server {
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	s := &Server{
		store:   st,
		log:     logger,
		tokens:  tokens,
		metrics: m,
		cfg:     cfg,
	}
	s.handler = s.routes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.inflight.Add(1)
	defer s.inflight.Done()
	s.handler.ServeHTTP(w, r)
}

// WaitIdle waits up to timeout for every request to leave its handler and
// reports whether they all did. After a shutdown that had to close
// connections, the handlers of interrupted uploads still remove their
// temporary files; waiting for them keeps the process from exiting first.
func (s *Server) WaitIdle(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() {
		s.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}
