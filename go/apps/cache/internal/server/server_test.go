package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"slipway/apps/cache/internal/metrics"
	"slipway/apps/cache/internal/store"
	"slipway/apps/cache/internal/store/fsstore"
	"slipway/libs/httpx"
	"slipway/libs/testkit"
)

const (
	readToken  = "read-token-1"
	writeToken = "write-token-1"
)

type fixture struct {
	url   string
	dir   string
	store *fsstore.Store
	srv   *Server
	logs  *testkit.SyncBuffer
}

// newFixture serves a Server over a file store in a temporary directory.
func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	logs := &testkit.SyncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	dir := filepath.Join(t.TempDir(), "cache")
	st, err := fsstore.Open(fsstore.Options{Dir: dir, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxEntryBytes == 0 {
		cfg.MaxEntryBytes = 1 << 20
	}
	srv := New(st, logger, Tokens{
		Read:  httpx.NewTokenSet(readToken, "read-token-2"),
		Write: httpx.NewTokenSet(writeToken),
	}, &metrics.Metrics{}, cfg)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &fixture{url: ts.URL, dir: dir, store: st, srv: srv, logs: logs}
}

type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request; rawPath is sent verbatim (no cleaning, no escaping).
func (f *fixture) do(t *testing.T, method, rawPath, token string, body io.Reader, authHeader ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, f.url+"/", body)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(rawPath, "//") {
		req.URL.Path = rawPath // Opaque "//..." would be read as a host
	} else {
		req.URL.Opaque = rawPath // sent as the request target as is
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if len(authHeader) > 0 {
		req.Header.Set("Authorization", authHeader[0])
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, b := testkit.Do(t, nil, req)
	return response{resp.StatusCode, resp.Header, string(b)}
}

// TestContract walks through what Nx does, in order, against one server.
func TestContract(t *testing.T) {
	f := newFixture(t, Config{})
	payload := strings.Repeat("tar.gz bytes ", 1000)
	const hash = "10292076446133652019"
	path := "/v1/cache/" + hash

	steps := []struct {
		name       string
		method     string
		path       string
		token      string
		auth       string // raw Authorization header, overrides token
		body       string
		wantStatus int
		wantBody   string // substring
	}{
		{name: "GET without token", method: "GET", path: path, wantStatus: 401, wantBody: "bearer token is required"},
		{name: "GET with wrong token", method: "GET", path: path, token: "nope", wantStatus: 401, wantBody: "not valid"},
		{name: "GET with Basic auth", method: "GET", path: path, auth: "Basic dTpw", wantStatus: 401, wantBody: `"Bearer <token>"`},
		{name: "GET with token prefix", method: "GET", path: path, token: readToken[:5], wantStatus: 401},
		{name: "GET miss", method: "GET", path: path, token: readToken, wantStatus: 404, wantBody: "No cache entry"},
		{name: "PUT without token", method: "PUT", path: path, body: payload, wantStatus: 401},
		{name: "PUT with wrong token", method: "PUT", path: path, token: "nope", body: payload, wantStatus: 401},
		{name: "PUT with read token", method: "PUT", path: path, token: readToken, body: payload, wantStatus: 403, wantBody: "this token may only read"},
		{name: "GET still a miss", method: "GET", path: path, token: readToken, wantStatus: 404},
		{name: "PUT with write token", method: "PUT", path: path, token: writeToken, body: payload, wantStatus: 200},
		{name: "GET with read token", method: "GET", path: path, token: readToken, wantStatus: 200, wantBody: payload},
		{name: "GET with second read token", method: "GET", path: path, token: "read-token-2", wantStatus: 200, wantBody: payload},
		{name: "GET with write token", method: "GET", path: path, token: writeToken, wantStatus: 200, wantBody: payload},
		{name: "PUT overwrite", method: "PUT", path: path, token: writeToken, body: "poison", wantStatus: 409, wantBody: "immutable"},
		{name: "GET unchanged", method: "GET", path: path, token: readToken, wantStatus: 200, wantBody: payload},
		{name: "PUT read token on existing", method: "PUT", path: path, token: readToken, body: "poison", wantStatus: 403},
		{name: "server URL with trailing slash", method: "GET", path: "/" + path, token: readToken, wantStatus: 200, wantBody: payload},
		{name: "DELETE", method: "DELETE", path: path, token: writeToken, wantStatus: 405, wantBody: "not allowed"},
		{name: "healthz without token", method: "GET", path: "/healthz", wantStatus: 200, wantBody: "ok\n"},
		{name: "unknown route", method: "GET", path: "/v2/cache/1", token: readToken, wantStatus: 404},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			var body io.Reader
			if st.body != "" {
				body = strings.NewReader(st.body)
			}
			var auth []string
			if st.auth != "" {
				auth = []string{st.auth}
			}
			resp := f.do(t, st.method, st.path, st.token, body, auth...)
			if resp.status != st.wantStatus || !strings.Contains(resp.body, st.wantBody) {
				t.Fatalf("%s %s: %d %.100q, want %d containing %.100q", st.method, st.path, resp.status, resp.body, st.wantStatus, st.wantBody)
			}
			ct := resp.header.Get("Content-Type")
			switch {
			case resp.status == 200 && st.method == "GET" && strings.HasPrefix(st.path, "/v1/cache/") || strings.HasPrefix(st.path, "//"):
				if ct != "application/octet-stream" || resp.header.Get("Content-Length") != fmt.Sprint(len(payload)) {
					t.Fatalf("hit headers %v", resp.header)
				}
			case strings.Contains(st.path, "/v1/cache/"):
				// Nx shows a 401's body only if this is exactly text/plain.
				if ct != "text/plain" {
					t.Fatalf("Content-Type %q, want exactly text/plain", ct)
				}
			}
			if resp.status == 401 && !strings.HasPrefix(resp.header.Get("WWW-Authenticate"), "Bearer") {
				t.Fatalf("401 without a Bearer challenge: %v", resp.header)
			}
			if resp.status == 405 && resp.header.Get("Allow") != "GET, HEAD, PUT" {
				t.Fatalf("Allow %q", resp.header.Get("Allow"))
			}
		})
	}

	// HEAD: the headers of a hit, no body.
	resp := f.do(t, "HEAD", path, readToken, nil)
	if resp.status != 200 || resp.body != "" || resp.header.Get("Content-Length") != fmt.Sprint(len(payload)) {
		t.Fatalf("HEAD %d %q %v", resp.status, resp.body, resp.header)
	}

	// The metrics saw it all.
	m := f.do(t, "GET", "/metrics", "", nil)
	for _, want := range []string{
		"slipway_cache_hits_total 5\n", // the five GETs answered 200; HEAD is no hit
		fmt.Sprintf("slipway_cache_bytes_out_total %d\n", 5*len(payload)),
		"slipway_cache_misses_total 2\n",
		"slipway_cache_stored_total 1\n",
		fmt.Sprintf("slipway_cache_bytes_in_total %d\n", len(payload)),
		`slipway_cache_refusals_total{reason="unauthorized"} 6`,
		`slipway_cache_refusals_total{reason="forbidden"} 2`,
		`slipway_cache_refusals_total{reason="exists"} 1`,
		`slipway_cache_refusals_total{reason="method_not_allowed"} 1`,
		"slipway_cache_entries 1\n",
		"slipway_cache_stored_bytes ",
	} {
		if !strings.Contains(m.body, want) {
			t.Errorf("metrics lack %q:\n%s", want, m.body)
		}
	}
	if m.header.Get("Content-Type") != metrics.ContentType {
		t.Errorf("metrics Content-Type %q", m.header.Get("Content-Type"))
	}
	if strings.Contains(f.logs.String(), writeToken) || strings.Contains(f.logs.String(), readToken) {
		t.Fatal("a token was logged")
	}
}

// TestHashValidation sends malformed hashes: each is a 400 in plain text
// and nothing reaches the store.
func TestHashValidation(t *testing.T) {
	f := newFixture(t, Config{})
	tests := []struct {
		path string
		want int
	}{
		{"/v1/cache/10292076446133652019", 404},
		{"/v1/cache/abcDEF123", 404},
		{"/v1/cache/", 400},
		{"/v1/cache/..", 400},
		{"/v1/cache/../../etc/passwd", 400},
		{"/v1/cache/%2e%2e", 400},
		{"/v1/cache/%2E%2E%2Fetc", 400},
		{"/v1/cache/a%2Fb", 400},
		{"/v1/cache/a/b", 400},
		{"/v1/cache/123/", 400},
		{"/v1/cache/.tmp", 400},
		{"/v1/cache/123.sha256", 400},
		{"/v1/cache/12%003", 400},
		{"/v1/cache/" + strings.Repeat("7", 129), 400},
		{"/v1/cache/" + strings.Repeat("7", 128), 404},
		{"/v1/cache/%31%32", 400}, // escaped digits are not what Nx sends
	}
	for _, tt := range tests {
		for _, method := range []string{"GET", "PUT"} {
			var body io.Reader
			if method == "PUT" {
				body = strings.NewReader("x")
			}
			resp := f.do(t, method, tt.path, writeToken, body)
			want := tt.want
			if method == "PUT" && want == 404 {
				want = 200
			}
			if resp.status != want {
				t.Errorf("%s %s: %d %q, want %d", method, tt.path, resp.status, resp.body, want)
			}
			if resp.status == 400 && (resp.header.Get("Content-Type") != "text/plain" || !strings.Contains(resp.body, "Invalid hash")) {
				t.Errorf("%s %s: 400 as %q %q", method, tt.path, resp.header.Get("Content-Type"), resp.body)
			}
		}
	}
	// Only the two valid hashes were stored, nothing else appeared.
	names := testkit.DirNames(t, f.dir)
	if len(names) != 4 { // .tmp, 10292076446133652019, abcDEF123, 777...
		t.Fatalf("cache directory holds %v", names)
	}
}

// tripwire fails the test if the body is read.
type tripwire struct{ t *testing.T }

func (tw tripwire) Read([]byte) (int, error) {
	tw.t.Error("body read although the upload is refused")
	return 0, io.EOF
}

func TestSizeLimit(t *testing.T) {
	f := newFixture(t, Config{MaxEntryBytes: 1000})
	tests := []struct {
		name          string
		size          int
		contentLength int64 // -1: chunked
		want          int
	}{
		{"at the limit", 1000, 1000, 200},
		{"over the limit", 1001, 1001, 413},
		{"chunked at the limit", 1000, -1, 200},
		{"chunked over the limit", 5000, -1, 413},
		{"empty", 0, 0, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hash := fmt.Sprint(time.Now().UnixNano())
			req, err := http.NewRequest("PUT", f.url+"/v1/cache/"+hash, io.MultiReader(bytes.NewReader(make([]byte, tt.size))))
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = tt.contentLength
			req.Header.Set("Authorization", "Bearer "+writeToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("%d %q, want %d", resp.StatusCode, b, tt.want)
			}
			_, err = f.store.Get(t.Context(), hash)
			if stored := err == nil; stored != (tt.want == 200) {
				t.Fatalf("stored %v after %d", stored, tt.want)
			}
			if tt.want == 413 && (!strings.Contains(string(b), "limit of 1000 bytes") || resp.Header.Get("Content-Type") != "text/plain") {
				t.Fatalf("413 body %q", b)
			}
		})
	}

	// 413 comes before the body is read when Content-Length says so.
	req := httptest.NewRequest("PUT", "/v1/cache/99", tripwire{t})
	req.ContentLength = 1001
	req.Header.Set("Authorization", "Bearer "+writeToken)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != 413 {
		t.Fatalf("status %d", rec.Code)
	}
}

// TestTruncatedUpload sends fewer bytes than the Content-Length and closes
// its side: 400, nothing stored, no temporary file left.
func TestTruncatedUpload(t *testing.T) {
	f := newFixture(t, Config{})
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT /v1/cache/555 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 100\r\n\r\n%s",
		writeToken, strings.Repeat("x", 50))
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(b), "Content-Length") {
		t.Fatalf("%d %q", resp.StatusCode, b)
	}
	if _, err := f.store.Get(t.Context(), "555"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get: %v", err)
	}
	ents, _ := os.ReadDir(filepath.Join(f.dir, ".tmp"))
	if len(ents) != 0 {
		t.Fatalf("temporary files left: %v", ents)
	}
}

// TestConcurrentPuts races writers of one hash through HTTP: exactly one
// 200, the rest 409.
func TestConcurrentPuts(t *testing.T) {
	f := newFixture(t, Config{})
	const writers = 8
	statuses := make(chan int, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := f.do(t, "PUT", "/v1/cache/4242", writeToken, strings.NewReader(strings.Repeat(fmt.Sprint(i), 200<<10)))
			statuses <- resp.status
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[200] != 1 || count[409] != writers-1 {
		t.Fatalf("statuses %v, want one 200 and %d 409", count, writers-1)
	}
}

func TestAnonymousRead(t *testing.T) {
	f := newFixture(t, Config{AllowAnonymousRead: true})
	if r := f.do(t, "PUT", "/v1/cache/1", writeToken, strings.NewReader("data")); r.status != 200 {
		t.Fatalf("PUT %d", r.status)
	}
	tests := []struct {
		name   string
		method string
		token  string
		want   int
	}{
		{"GET without token", "GET", "", 200},
		{"GET with read token", "GET", readToken, 200},
		{"GET with a wrong token is still refused", "GET", "nope", 401},
		{"PUT without token", "PUT", "", 401},
		{"PUT with read token", "PUT", readToken, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.method == "PUT" {
				body = strings.NewReader("other")
			}
			if r := f.do(t, tt.method, "/v1/cache/1", tt.token, body); r.status != tt.want {
				t.Fatalf("%d %q, want %d", r.status, r.body, tt.want)
			}
		})
	}
}

// failingStore fails every operation, as a broken disk or bucket would.
type failingStore struct{}

func (failingStore) Get(_ context.Context, _ string) (*store.Entry, error) {
	return nil, errors.New("disk on fire")
}

func (failingStore) Exists(_ context.Context, _ string) (bool, error) { return false, nil }

func (failingStore) Put(_ context.Context, _ string, _ int64, body io.Reader) error {
	_, _ = io.Copy(io.Discard, body)
	return errors.New("disk on fire")
}

func TestStoreFailure(t *testing.T) {
	logs := &testkit.SyncBuffer{}
	m := &metrics.Metrics{}
	srv := New(failingStore{}, slog.New(slog.NewJSONHandler(logs, nil)),
		Tokens{Write: httpx.NewTokenSet(writeToken)}, m, Config{MaxEntryBytes: 100})
	for _, method := range []string{"GET", "PUT"} {
		req := httptest.NewRequest(method, "/v1/cache/1", strings.NewReader("x"))
		req.Header.Set("Authorization", "Bearer "+writeToken)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != 500 || rec.Header().Get("Content-Type") != "text/plain" || strings.Contains(rec.Body.String(), "fire") {
			t.Fatalf("%s: %d %q (internal details must stay in the log)", method, rec.Code, rec.Body)
		}
	}
	if !strings.Contains(logs.String(), "disk on fire") {
		t.Fatalf("error not logged:\n%s", logs)
	}
	var b strings.Builder
	_ = m.WriteText(&b, "dev", nil)
	if !strings.Contains(b.String(), `slipway_cache_errors_total{op="get"} 1`) || !strings.Contains(b.String(), `slipway_cache_errors_total{op="put"} 1`) {
		t.Fatalf("errors not counted:\n%s", b.String())
	}
}
