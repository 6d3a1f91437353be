package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestPhases runs each phase against a small in-memory cache.
func TestPhases(t *testing.T) {
	var mu sync.Mutex
	entries := map[string][]byte{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(401)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		switch r.Method {
		case "PUT":
			b, _ := io.ReadAll(r.Body)
			entries[r.URL.Path] = b
		case "GET":
			b, ok := entries[r.URL.Path]
			if !ok {
				w.WriteHeader(404)
				return
			}
			_, _ = w.Write(b)
		}
	}))
	defer srv.Close()
	phase := func(args ...string) Result {
		t.Helper()
		var out bytes.Buffer
		if err := run(t.Context(), append([]string{"cacheload", "-url", srv.URL, "-token", "tok", "-c", "3"}, args...), nil, &out); err != nil {
			t.Fatal(err)
		}
		var r Result
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatalf("%q: %v", out.String(), err)
		}
		return r
	}
	if r := phase("-prefix", "77", "-count", "10", "-size", "1000", "put"); r.Requests != 10 || r.Bytes != 10*1000 || r.Unexpected != 0 {
		t.Fatalf("put: %+v", r)
	}
	if len(entries) != 10 || !strings.HasPrefix(string(entries["/v1/cache/77000003"]), "77000003") || len(entries["/v1/cache/77000003"]) != 1000 {
		t.Fatalf("stored %d entries", len(entries))
	}
	if r := phase("-prefix", "77", "-count", "10", "-duration", "100ms", "get"); r.Requests < 10 || r.Bytes != r.Requests*1000 || r.Unexpected != 0 {
		t.Fatalf("get: %+v", r)
	}
	if r := phase("-prefix", "77", "-duration", "100ms", "miss"); r.Requests == 0 || r.Unexpected != 0 {
		t.Fatalf("miss: %+v", r)
	}
	if r := phase("-prefix", "78", "-count", "2", "-duration", "50ms", "get"); r.Unexpected != r.Requests || !strings.Contains(r.Example, ": 404") {
		t.Fatalf("get of missing entries: %+v", r)
	}
}
