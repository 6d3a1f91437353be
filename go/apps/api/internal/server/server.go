// Package server is the ledger API's HTTP layer: routes (routes.go) and
// handlers. The JSON shapes are the types of package apitypes, generated
// from the API contract (libs/api-contract/openapi.yaml); contract.go
// converts between them and the ledger's domain types, and errors.go turns
// every error into its status and body.
package server

import (
	"log/slog"
	"net/http"
	"time"

	"slipway/apps/api/internal/ledger"
	"slipway/libs/httpx"
)

// Config holds the server settings that shape HTTP behaviour.
type Config struct {
	// Version is reported by GET /healthz.
	Version string
	// MaxBodyBytes caps request bodies; larger ones get 413.
	MaxBodyBytes int64
}

// Server is the ledger API as an http.Handler. Create it with New.
type Server struct {
	store  ledger.Store
	log    *slog.Logger
	tokens *httpx.TokenSet
	cfg    Config
	// now is the clock that stamps recordedAt; replaced in tests.
	now     func() time.Time
	handler http.Handler
}

// New returns a Server that records builds in store, logs to logger and
// lets only holders of writeTokens record builds (an empty set refuses
// every write).
func New(store ledger.Store, logger *slog.Logger, writeTokens *httpx.TokenSet, cfg Config) *Server {
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	s := &Server{
		store:  store,
		log:    logger,
		tokens: writeTokens,
		cfg:    cfg,
		now:    time.Now,
	}
	s.handler = s.routes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}
