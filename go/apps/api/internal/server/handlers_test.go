package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"slipway/apps/api/internal/ledger"
	"slipway/libs/httpx"
)

// failingStore is a ledger.Store whose image overview fails with err; the
// other methods are not called by these tests.
type failingStore struct {
	ledger.Store
	err error
}

func (f failingStore) Images(context.Context, ledger.ImageFilter, ledger.ImagePageRequest) (ledger.ImagePage, error) {
	return ledger.ImagePage{}, f.err
}

func TestStoreFailures(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		clientGone bool
		status     int
		level      string // of the log record about the failure
		msg        string
	}{
		{"database down", errors.New("connection refused"), false, http.StatusInternalServerError, "ERROR", "request failed"},
		{"deadline", context.DeadlineExceeded, false, http.StatusInternalServerError, "ERROR", "request failed"},
		{"client gone", errors.New("interrupted"), true, statusClientClosed, "INFO", "request abandoned by the client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			srv := New(failingStore{err: tt.err}, slog.New(slog.NewTextHandler(&logs, nil)), httpx.NewTokenSet(), Config{MaxBodyBytes: 1024})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.clientGone {
				cancel()
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/images", nil))
			if rec.Code != tt.status || strings.Contains(rec.Body.String(), tt.err.Error()) {
				t.Errorf("answer %d %s, want %d without the error's details", rec.Code, rec.Body, tt.status)
			}
			if want := "level=" + tt.level + ` msg="` + tt.msg + `"`; !strings.Contains(logs.String(), want) {
				t.Errorf("logs lack %s:\n%s", want, logs.String())
			}
			if tt.clientGone && strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("a client that went away logged as an error:\n%s", logs.String())
			}
		})
	}
}
