package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"slipway/apps/api/internal/ledger"
	"slipway/libs/httpx"
	"slipway/libs/logging"
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

// TestErrorAnswers holds fail to its mapping: each kind of error, however
// wrapped, gets its status, code and message.
func TestErrorAnswers(t *testing.T) {
	invalid := &ledger.ValidationError{Fields: map[string]string{"digest": "must be sha256:"}}
	tests := []struct {
		name    string
		err     error
		status  int
		code    string
		message string
		field   string // a key the error's fields must hold, when set
	}{
		{"an answer", httpx.NewError(http.StatusBadRequest, codeInvalidQuery, "bad query"), 400, codeInvalidQuery, "bad query", ""},
		{"invalid build", fmt.Errorf("record: %w", invalid), 400, codeInvalidBuild, "The build record is invalid; see fields for details.", "digest"},
		{"image", fmt.Errorf("list builds: %w", ledger.ImageNotFound("r.example/a")), 404, httpx.CodeNotFound,
			`No builds are recorded for image "r.example/a".`, ""},
		{"run", ledger.RunNotFound("run\u202e1"), 404, httpx.CodeNotFound, `No CI run "run\u202e1" is recorded.`, ""},
		{"key reused", fmt.Errorf("record: %w", ledger.ErrIdempotencyKeyReused), 422, codeIdempotencyKeyReused,
			`The Idempotency-Key "k-1" was already used for another build record; a new record needs a new key.`, ""},
		{"anything else", errors.New("disk full"), 500, httpx.CodeInternal, "An internal error occurred.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := New(failingStore{}, logging.Discard(), httpx.NewTokenSet(), Config{})
			req := httptest.NewRequest(http.MethodPost, "/api/v1/builds", nil)
			req.Header.Set(headerIdempotencyKey, "k-1")
			rec := httptest.NewRecorder()
			srv.fail(rec, req, tt.err)
			var body httpx.ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error == nil {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			if rec.Code != tt.status || body.Error.Code != tt.code || body.Error.Message != tt.message {
				t.Fatalf("%d %+v, want %d %s %q", rec.Code, body.Error, tt.status, tt.code, tt.message)
			}
			if tt.field != "" && body.Error.Fields[tt.field] == "" {
				t.Fatalf("fields %v lack %s", body.Error.Fields, tt.field)
			}
		})
	}
}

// TestNotFoundEchoesShort: a 404 repeats at most a short, escaped piece of
// what it was asked for.
func TestNotFoundEchoesShort(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		long := strings.Repeat("x", 10_000)
		for _, path := range []string{
			"/api/v1/runs/" + long,
			"/api/v1/runs/" + url.PathEscape("run\u202e42"),
			"/api/v1/images/" + long + "/builds",
			"/api/v1/images/" + long + "/sizes",
			"/api/v1/images/r.example%2F" + strings.Repeat("a", 200) + "/builds",
			"/api/v1/" + long,
		} {
			res := api.do(t, "GET", path, nil, nil)
			if res.status != http.StatusNotFound || len(res.body) > 400 || strings.ContainsRune(string(res.body), '\u202e') {
				t.Errorf("GET %.60s: %d, %d bytes: %.200s", path, res.status, len(res.body), res.body)
			}
		}
		res := api.do(t, "GET", "/api/v1/runs/"+url.PathEscape("run\u202e42"), nil, nil)
		if msg := res.apiError(t).Message; msg != `No CI run "run\u202e42" is recorded.` {
			t.Errorf("message %q", msg)
		}
	})
}
