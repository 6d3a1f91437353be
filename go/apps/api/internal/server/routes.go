package server

import (
	"net/http"

	"slipway/apps/api/internal/config"
	"slipway/libs/httpx"
)

// routes is the one place where the API's endpoints are declared.
func (s *Server) routes() http.Handler {
	requireWriter := httpx.BearerAuth{
		Tokens: s.tokens,
		Realm:  "slipway",
		DisabledMessage: "Recording builds and releases is disabled on this server: set " + config.EnvWriteTokens +
			" to one or more comma-separated bearer tokens.",
	}.Wrap
	limitBody := httpx.LimitBody(s.cfg.MaxBodyBytes)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealthz)
	mux.HandleFunc("GET /readyz", s.handleReadyz)
	mux.Handle("POST /api/v1/builds", requireWriter(limitBody(http.HandlerFunc(s.handleCreateBuild))))
	mux.Handle("POST /api/v1/releases", requireWriter(limitBody(http.HandlerFunc(s.handleCreateRelease))))
	mux.HandleFunc("GET /api/v1/releases", s.handleListReleases)
	mux.HandleFunc("GET /api/v1/images", s.handleListImages)
	// {image} is one path segment: clients send the image name with
	// encodeURIComponent, so "/" arrives as %2F and PathValue decodes it.
	mux.HandleFunc("GET /api/v1/images/{image}/builds", s.handleListBuilds)
	mux.HandleFunc("GET /api/v1/images/{image}/sizes", s.handleListSizes)
	mux.HandleFunc("GET /api/v1/runs", s.handleListRuns)
	// {runId} is one path segment too, sent with encodeURIComponent.
	mux.HandleFunc("GET /api/v1/runs/{runId}", s.handleGetRun)

	return httpx.Chain(httpx.JSONErrors(mux),
		httpx.LogRequests(s.log),
		httpx.Recover(s.log),
	)
}
