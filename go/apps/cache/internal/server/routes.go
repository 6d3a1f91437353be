package server

import (
	"net/http"
	"strings"

	"slipway/apps/cache/internal/metrics"
	"slipway/libs/httpx"
)

// cachePrefix is where Nx's client sends its requests:
// <NX_SELF_HOSTED_REMOTE_CACHE_SERVER>/v1/cache/<hash>.
const cachePrefix = "/v1/cache/"

// routes is the one place where the server's endpoints are declared.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealthz)
	mux.HandleFunc("GET /readyz", s.handleReadyz)
	mux.HandleFunc("GET /metrics", s.handleMetrics)

	// /v1/cache/{hash} bypasses the ServeMux on purpose: the mux would
	// clean "/v1/cache/../x" into a redirect and decode "%2F", while
	// every malformed hash, traversal attempts included, must get a
	// plain 400 without coming near the store. The raw, still-escaped
	// remainder of the path is what gets validated.
	cache := http.HandlerFunc(s.serveCache)
	root := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Nx joins the server URL and "/v1/cache/" verbatim, so a server
		// URL ending in "/" yields "//v1/cache/...": tolerate it.
		path := "/" + strings.TrimLeft(r.URL.EscapedPath(), "/")
		if hash, ok := strings.CutPrefix(path, cachePrefix); ok {
			r.Pattern = cachePrefix + "{hash}" // for the request log
			r.SetPathValue("hash", hash)
			cache.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})

	requestLog := httpx.LogRequests(s.log)
	if s.cfg.RequestLog != nil {
		requestLog = logRequests(s.log, s.cfg.RequestLog)
	}
	return httpx.Chain(root,
		requestLog,
		httpx.Recover(s.log),
		httpx.ProgressDeadlines(s.cfg.StallTimeout),
	)
}

// serveCache dispatches /v1/cache/{hash} by method.
func (s *Server) serveCache(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		s.handleGet(w, r)
	case http.MethodPut:
		s.handlePut(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD, PUT")
		s.refuse(w, http.StatusMethodNotAllowed, metrics.BadMethod, "Method "+r.Method+" is not allowed; use GET or PUT.")
	}
}
