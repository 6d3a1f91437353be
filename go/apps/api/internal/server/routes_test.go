package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"slipway/apps/api/internal/store"
	"slipway/libs/httpx"
	"slipway/libs/logging"
)

// TestRoutes: a path no route declares is 404, and a method a route does
// not take is 405 naming the ones it does.
func TestRoutes(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		tests := []struct {
			method, path string
			status       int
			allow        string
		}{
			{"GET", "/api/v1/nothing", 404, ""},
			{"GET", "/", 404, ""},
			{"GET", "/api/v1/builds", 405, "POST"},
			{"DELETE", "/api/v1/images", 405, "GET"},
			{"DELETE", "/api/v1/releases", 405, "GET, HEAD, POST"},
			{"POST", "/api/v1/images/r.example%2Fa/builds", 405, "GET"},
			{"POST", "/api/v1/images/r.example%2Fa/sizes", 405, "GET"},
			{"POST", "/api/v1/runs", 405, "GET"},
			{"POST", "/api/v1/runs/run1", 405, "GET"},
		}
		for _, tt := range tests {
			t.Run(tt.method+" "+tt.path, func(t *testing.T) {
				res := api.do(t, tt.method, tt.path, map[string]string{"Authorization": "Bearer " + token}, nil)
				code := map[int]string{404: "not_found", 405: "method_not_allowed"}[tt.status]
				if res.status != tt.status || res.apiError(t).Code != code || !strings.Contains(res.header.Get("Allow"), tt.allow) {
					t.Errorf("%d %s (Allow %q), want %d %s", res.status, res.body, res.header.Get("Allow"), tt.status, code)
				}
			})
		}
	})
}

func TestRequestLogging(t *testing.T) {
	st, err := store.Open(context.Background(), store.Config{DataDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var buf bytes.Buffer
	log, _ := logging.New(&buf, "info")
	srv := New(st, log, httpx.NewTokenSet(token), Config{MaxBodyBytes: 1024})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/images/a%2Fb/builds", nil))
	var entry map[string]any
	if err := json.Unmarshal(buf.Bytes(), &entry); err != nil {
		t.Fatalf("%v: %s", err, buf.String())
	}
	if entry["msg"] != "request" || entry["route"] != "GET /api/v1/images/{image}/builds" || entry["status"] != float64(404) {
		t.Fatalf("log entry %v", entry)
	}
	// The version defaults to "dev".
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if !strings.Contains(rec.Body.String(), `"version":"dev"`) {
		t.Fatalf("healthz %s", rec.Body)
	}
}
