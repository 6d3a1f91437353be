package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"slipway/libs/httpx"
)

// flushCounter is a log writer that counts its flushes.
type flushCounter struct {
	bytes.Buffer
	flushes int
}

func (f *flushCounter) Flush() { f.flushes++ }

// record decodes one JSON line.
func record(t *testing.T, line string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("not JSON: %q: %v", line, err)
	}
	return m
}

// TestRequestLogMatchesSlog: the hand-encoded record has the fields and
// values of httpx.LogRequests' slog record, and stays valid JSON for any
// path or method.
func TestRequestLogMatchesSlog(t *testing.T) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Pattern = "/v1/cache/{hash}"
		switch {
		case strings.Contains(r.URL.Path, "fail"):
			httpx.WriteText(w, 500, "failed")
		default:
			httpx.WriteText(w, 404, "No cache entry for this hash.")
		}
	})
	for _, target := range []string{"/v1/cache/404", "/v1/cache/fail", `/v1/cache/a%22b%5Cc%00%C3%BC`, "/x?q=1"} {
		for _, method := range []string{"GET", "PUT", "WEIRD\x7f"} {
			var viaSlog bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&viaSlog, nil))
			fast := &flushCounter{}
			for _, h := range []http.Handler{httpx.LogRequests(logger)(handler), logRequests(logger, fast)(handler)} {
				req := httptest.NewRequest("GET", target, nil)
				req.Method = method
				h.ServeHTTP(httptest.NewRecorder(), req)
			}
			want, got := record(t, viaSlog.String()), record(t, fast.String())
			for _, k := range []string{"time", "durationMs"} {
				if _, ok := got[k]; !ok {
					t.Fatalf("%s %s: no %s in %s", method, target, k, fast.String())
				}
				delete(want, k)
				delete(got, k)
			}
			if method != "WEIRD\x7f" { // slog writes DEL as is, this server escapes it
				if wj, gj := must(json.Marshal(want)), must(json.Marshal(got)); string(wj) != string(gj) {
					t.Fatalf("%s %s:\nslog %s\nfast %s", method, target, wj, gj)
				}
			}
			wantFlushes := 0
			if strings.Contains(target, "fail") {
				wantFlushes = 1
			}
			if fast.flushes != wantFlushes {
				t.Fatalf("%s %s: %d flushes", method, target, fast.flushes)
			}
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// TestRequestLogLevel: with the logger at warn, only 5xx records are
// written.
func TestRequestLogLevel(t *testing.T) {
	var out bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h := logRequests(logger, &out)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(map[string]int{"/ok": 200, "/bad": 503}[r.URL.Path])
	}))
	for _, p := range []string{"/ok", "/bad", "/ok"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 1 || record(t, lines[0])["status"] != 503.0 {
		t.Fatalf("records %q", out.String())
	}
}
