package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"slipway/apps/cache/internal/metrics"
	"slipway/apps/cache/internal/store/fsstore"
	"slipway/apps/cache/internal/store/storetest"
	"slipway/libs/httpx"
)

// forgetReadiness drops the cached readiness answer.
func (s *Server) forgetReadiness() {
	s.readiness.mu.Lock()
	s.readiness.checked = time.Time{}
	s.readiness.mu.Unlock()
}

// TestReadyz: /readyz says whether the store can take a write, while
// /healthz only says that the server runs. A read-only cache directory
// keeps serving hits, fails uploads, and is not ready.
func TestReadyz(t *testing.T) {
	f := newFixture(t, Config{})
	if r := f.do(t, "PUT", "/v1/cache/5", writeToken, strings.NewReader("five")); r.status != 200 {
		t.Fatal(r.status)
	}
	if r := f.do(t, "GET", "/readyz", "", nil); r.status != 200 || r.body != "ready\n" || r.header.Get("Content-Type") != "text/plain" {
		t.Fatalf("readyz %d %q %v", r.status, r.body, r.header)
	}

	storetest.ReadOnly(t, f.dir)
	f.srv.forgetReadiness()
	r := f.do(t, "GET", "/readyz", "", nil)
	if r.status != 503 || !strings.HasPrefix(r.body, "not ready: cannot create a file in the cache directory (") ||
		r.header.Get("Content-Type") != "text/plain" {
		t.Fatalf("readyz on a read-only directory: %d %q", r.status, r.body)
	}
	if strings.Contains(r.body, f.dir) {
		t.Fatalf("readyz names the directory: %q", r.body)
	}
	for _, c := range []struct {
		method, path, token, body string
		want                      int
	}{
		{"GET", "/healthz", "", "", 200},
		{"GET", "/v1/cache/5", readToken, "", 200},
		{"PUT", "/v1/cache/6", writeToken, "six", 500},
	} {
		var body io.Reader
		if c.body != "" {
			body = strings.NewReader(c.body)
		}
		resp := f.do(t, c.method, c.path, c.token, body)
		if resp.status != c.want {
			t.Fatalf("%s %s on a read-only directory: %d %q, want %d", c.method, c.path, resp.status, resp.body, c.want)
		}
	}
	if n := strings.Count(f.logs.String(), "cache store not ready"); n != 1 {
		t.Fatalf("not-ready logged %d times:\n%s", n, f.logs)
	}
}

// countingStore counts readiness checks.
type countingStore struct {
	*fsstore.Store
	checks atomic.Int32
}

func (c *countingStore) Ready(ctx context.Context) error {
	c.checks.Add(1)
	time.Sleep(20 * time.Millisecond) // long enough for the callers to overlap
	return c.Store.Ready(ctx)
}

// TestReadyzShared: concurrent and repeated /readyz requests within
// readyTTL share one check, so an unauthenticated client cannot make the
// server write files at its own rate.
func TestReadyzShared(t *testing.T) {
	fs, err := fsstore.Open(fsstore.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	st := &countingStore{Store: fs}
	srv := New(st, slog.New(slog.DiscardHandler), Tokens{Write: httpx.NewTokenSet(writeToken)}, &metrics.Metrics{}, Config{MaxEntryBytes: 1})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(ts.URL + "/readyz")
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(b) != "ready\n" {
				t.Errorf("readyz %d %q", resp.StatusCode, b)
			}
		}()
	}
	wg.Wait()
	if n := st.checks.Load(); n != 1 {
		t.Fatalf("%d checks for 20 requests within %v", n, readyTTL)
	}
}

// TestReadyzWithoutChecker: a store that cannot tell is taken as ready.
func TestReadyzWithoutChecker(t *testing.T) {
	srv := New(failingStore{}, slog.New(slog.DiscardHandler), Tokens{Write: httpx.NewTokenSet(writeToken)}, &metrics.Metrics{}, Config{MaxEntryBytes: 1})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != 200 {
		t.Fatalf("readyz %d", rec.Code)
	}
}
