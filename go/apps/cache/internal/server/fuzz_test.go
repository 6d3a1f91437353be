package server

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"slipway/apps/cache/internal/metrics"
	"slipway/apps/cache/internal/store"
	"slipway/libs/httpx"
)

// recordingStore remembers every hash that reached it and stores nothing.
type recordingStore struct {
	mu     sync.Mutex
	hashes []string
}

func (r *recordingStore) saw(hash string) {
	r.mu.Lock()
	r.hashes = append(r.hashes, hash)
	r.mu.Unlock()
}

func (r *recordingStore) Get(_ context.Context, hash string) (*store.Entry, error) {
	r.saw(hash)
	return nil, store.ErrNotFound
}

func (r *recordingStore) Exists(_ context.Context, hash string) (bool, error) {
	r.saw(hash)
	return false, nil
}

func (r *recordingStore) Put(_ context.Context, hash string, _ int64, body io.Reader) error {
	r.saw(hash)
	_, err := io.Copy(io.Discard, body)
	return err
}

// FuzzCacheRequest parses a request line and headers as net/http would,
// and serves it: only hashes that pass store.CheckHash ever reach the
// store, only write tokens reach Put, and every answer is one of the
// statuses the contract knows.
func FuzzCacheRequest(f *testing.F) {
	for _, seed := range []struct{ method, target, auth string }{
		{"GET", "/v1/cache/10292076446133652019", "Bearer " + readToken},
		{"PUT", "/v1/cache/123", "Bearer " + writeToken},
		{"PUT", "/v1/cache/123", "Bearer " + readToken},
		{"GET", "//v1/cache/..%2F..%2Fetc", "Bearer " + readToken},
		{"GET", "/v1/cache/%2e%2e", "bearer " + readToken},
		{"PUT", "/v1/cache/a/b", "Basic dTpw"},
		{"DELETE", "/v1/cache/1", ""},
		{"GET", "/healthz", ""},
		{"GET", "/metrics?x=1", ""},
		{"GET", "http://evil/v1/cache/1", "Bearer " + readToken},
		{"0", "*", ""},
		{"0", "/.", "0"},
	} {
		f.Add(seed.method, seed.target, seed.auth)
	}
	rec := &recordingStore{}
	srv := New(rec, slog.New(slog.DiscardHandler), Tokens{
		Read:  httpx.NewTokenSet(readToken),
		Write: httpx.NewTokenSet(writeToken),
	}, &metrics.Metrics{}, Config{MaxEntryBytes: 1 << 10})
	allowed := map[int]bool{200: true, 400: true, 401: true, 403: true, 404: true, 405: true, 409: true, 413: true}
	f.Fuzz(func(t *testing.T, method, target, auth string) {
		raw := method + " " + target + " HTTP/1.1\r\nHost: cache\r\nContent-Length: 4\r\n"
		if auth != "" {
			raw += "Authorization: " + auth + "\r\n"
		}
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw + "\r\ndata")))
		if err != nil {
			return // net/http refuses it before any handler
		}
		rec.mu.Lock()
		rec.hashes = rec.hashes[:0]
		rec.mu.Unlock()
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		// Other paths are the ServeMux's (redirects, 404s); the cache's
		// own answers are these, in plain text.
		if strings.HasPrefix("/"+strings.TrimLeft(req.URL.EscapedPath(), "/"), cachePrefix) {
			if !allowed[w.Code] {
				t.Fatalf("%s %q: status %d %q", method, target, w.Code, w.Body)
			}
			if w.Code >= 400 && w.Header().Get("Content-Type") != "text/plain" {
				t.Fatalf("%s %q: %d with Content-Type %q", method, target, w.Code, w.Header().Get("Content-Type"))
			}
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for _, h := range rec.hashes {
			if err := store.CheckHash(h); err != nil {
				t.Fatalf("%s %q: hash %q reached the store", method, target, h)
			}
		}
		if req.Method == http.MethodPut && w.Code == 200 && !strings.Contains(auth, writeToken) {
			t.Fatalf("%s %q stored with Authorization %q", method, target, auth)
		}
	})
}
