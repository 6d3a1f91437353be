package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"slipway/apps/cache/internal/store"
	"slipway/libs/httpx"
)

// Readiness checks are shared: /readyz needs no token, and a check writes
// and syncs a file (or asks the bucket), so one check serves every request
// for readyTTL, and one takes at most readyTimeout.
const (
	readyTTL     = time.Second
	readyTimeout = 5 * time.Second
)

// readiness remembers the last readiness check.
type readiness struct {
	mu      sync.Mutex
	checked time.Time
	err     error
	// failing is what was last logged, so that only changes are logged.
	failing bool
}

// handleReadyz answers 200 "ready" when the store can take a write now,
// and 503 with the reason otherwise (a read-only or full cache directory,
// an unreachable bucket). Unlike /healthz, which says that the process
// serves, it is what a client about to upload should ask
// (with-remote-cache does).
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	if err := s.ready(r.Context()); err != nil {
		httpx.WriteText(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	httpx.WriteText(w, http.StatusOK, "ready")
}

// ready runs the store's readiness check, or reuses one younger than
// readyTTL. Concurrent callers wait for one check. The check does not
// stop when the asking request does: its answer is shared.
func (s *Server) ready(ctx context.Context) error {
	rc, ok := s.store.(store.ReadinessChecker)
	if !ok {
		return nil
	}
	rd := &s.readiness
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if !rd.checked.IsZero() && time.Since(rd.checked) < readyTTL {
		return rd.err
	}
	checkCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readyTimeout)
	defer cancel()
	err := rc.Ready(checkCtx)
	if err != nil && !errors.Is(err, store.ErrNotReady) {
		s.log.Error("readiness check failed", slog.Any("err", err))
		err = store.ErrNotReady
	}
	rd.checked, rd.err = time.Now(), err
	switch {
	case err != nil && !rd.failing:
		s.log.Warn("cache store not ready: uploads will fail", slog.String("reason", err.Error()))
	case err == nil && rd.failing:
		s.log.Info("cache store ready again")
	}
	rd.failing = err != nil
	return err
}
