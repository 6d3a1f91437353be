package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slipway/libs/httpx"
	"slipway/libs/testkit"
)

func request(t *testing.T, method, u, token string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, b := testkit.Do(t, nil, req)
	return resp.StatusCode, resp.Header, b
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// exercise runs Nx's sequence against a started instance: a write token
// stores, a read token reads, an overwrite is refused, a read token may
// not write.
func exercise(t *testing.T, inst *testkit.Instance, hash string) {
	t.Helper()
	entry := randomBytes(t, 3<<20)
	u := inst.Base + "/v1/cache/" + hash
	steps := []struct {
		name       string
		method     string
		token      string
		body       []byte
		wantStatus int
		wantBody   []byte // nil: not checked
	}{
		{"miss", "GET", "reader", nil, 404, nil},
		{"store with write token", "PUT", "writer", entry, 200, nil},
		{"read with read token", "GET", "reader", nil, 200, entry},
		{"read with write token", "GET", "writer", nil, 200, entry},
		{"overwrite refused", "PUT", "writer", []byte("poison"), 409, nil},
		{"read token may not write", "PUT", "reader", []byte("poison"), 403, []byte("this token may only read\n")},
		{"no token", "GET", "", nil, 401, nil},
		{"entry unchanged", "GET", "reader", nil, 200, entry},
	}
	for _, st := range steps {
		status, header, body := request(t, st.method, u, st.token, st.body)
		if status != st.wantStatus {
			t.Fatalf("%s: %s %d %.200q, want %d", st.name, st.method, status, body, st.wantStatus)
		}
		if st.wantBody != nil && !bytes.Equal(body, st.wantBody) {
			t.Fatalf("%s: body of %d bytes differs from the %d expected", st.name, len(body), len(st.wantBody))
		}
		if status >= 400 && header.Get("Content-Type") != "text/plain" {
			t.Fatalf("%s: error Content-Type %q", st.name, header.Get("Content-Type"))
		}
	}
}

func TestRunServesAndShutsDown(t *testing.T) {
	version = "test-1.0"
	t.Cleanup(func() { version = "dev" })
	dir := filepath.Join(t.TempDir(), "cache")
	tokenFile := filepath.Join(t.TempDir(), "read-tokens")
	if err := os.WriteFile(tokenFile, []byte("# CI pull requests\nreader\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"CACHE_ADDR":             "127.0.0.1:0",
		"CACHE_DIR":              dir,
		"CACHE_READ_TOKENS_FILE": tokenFile,
		"CACHE_WRITE_TOKENS":     "writer, other-writer",
		"CACHE_SHUTDOWN_TIMEOUT": "5s",
	}
	inst := testkit.Start(t, run, []string{"cache"}, env)

	status, header, body := request(t, "GET", inst.Base+"/healthz", "", nil)
	if status != 200 || string(body) != "ok\n" || header.Get("Content-Type") != "text/plain" {
		t.Fatalf("healthz %d %q", status, body)
	}
	if status, _, body := request(t, "GET", inst.Base+"/readyz", "", nil); status != 200 || string(body) != "ready\n" {
		t.Fatalf("readyz %d %q", status, body)
	}
	exercise(t, inst, "10292076446133652019")
	status, _, body = request(t, "GET", inst.Base+"/metrics", "", nil)
	for _, want := range []string{
		`slipway_cache_build_info{version="test-1.0"} 1`,
		"slipway_cache_hits_total 3\n",
		"slipway_cache_stored_total 1\n",
		"slipway_cache_entries 1\n",
	} {
		if status != 200 || !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}

	inst.StopCleanly()
	starting := inst.Logs.Records("starting cache")
	if len(starting) != 1 || starting[0]["version"] != "test-1.0" {
		t.Fatalf("start record %v", starting)
	}
	for _, secret := range []string{"writer", "reader"} {
		if strings.Contains(inst.Logs.String(), `"`+secret) {
			t.Fatalf("token %q logged:\n%s", secret, inst.Logs)
		}
	}
	if n := len(inst.Logs.Records("request")); n < 10 {
		t.Fatalf("only %d request log records", n)
	}

	// A restart on the same directory serves the entry again.
	inst2 := testkit.Start(t, run, []string{"cache"}, env)
	status, _, _ = request(t, "GET", inst2.Base+"/v1/cache/10292076446133652019", "reader", nil)
	if status != 200 {
		t.Fatalf("after restart: %d", status)
	}
	if err := inst2.Stop(); err != nil {
		t.Fatal(err)
	}
}

// TestRunNotReady: with less free space than CACHE_MIN_FREE_BYTES the
// server runs (/healthz 200) but is not ready (/readyz 503, with why).
func TestRunNotReady(t *testing.T) {
	inst := testkit.Start(t, run, []string{"cache"}, map[string]string{
		"CACHE_ADDR": "127.0.0.1:0", "CACHE_DIR": filepath.Join(t.TempDir(), "cache"), "CACHE_WRITE_TOKENS": "writer",
		"CACHE_MIN_FREE_BYTES": "1000000TiB",
	})
	if status, _, _ := request(t, "GET", inst.Base+"/healthz", "", nil); status != 200 {
		t.Fatalf("healthz %d", status)
	}
	status, _, body := request(t, "GET", inst.Base+"/readyz", "", nil)
	if status != 503 || !strings.Contains(string(body), "less than the 976.6 PiB required (CACHE_MIN_FREE_BYTES)") {
		t.Fatalf("readyz %d %q", status, body)
	}
	inst.StopCleanly()
	if len(inst.Logs.Records("cache store not ready: uploads will fail")) != 1 {
		t.Fatalf("not logged:\n%s", inst.Logs)
	}
}

// TestRunWithS3 runs the same sequence with CACHE_STORE=s3 against the
// test server (see tools/s3-server/start.sh); skipped when none is
// configured, except on CI.
func TestRunWithS3(t *testing.T) {
	endpoint := os.Getenv("CACHE_TEST_S3_ENDPOINT")
	if endpoint == "" {
		msg := "no S3 test server: set CACHE_TEST_S3_ENDPOINT, CACHE_TEST_S3_ACCESS_KEY, CACHE_TEST_S3_SECRET_KEY " +
			"and CACHE_TEST_S3_BUCKET (eval \"$(tools/s3-server/start.sh)\" starts one)"
		testkit.Need(t, msg)
	}
	if os.Getenv("CACHE_TEST_S3_KIND") == "" {
		t.Fatal("CACHE_TEST_S3_ENDPOINT is set but CACHE_TEST_S3_KIND is not: set it to the server's kind and version " +
			"(tools/s3-server/start.sh exports both), so that Nx's test hash tells this server from none")
	}
	hash := fmt.Sprint(time.Now().UnixNano())
	inst := testkit.Start(t, run, []string{"cache"}, map[string]string{
		"CACHE_ADDR":            "127.0.0.1:0",
		"CACHE_STORE":           "s3",
		"CACHE_S3_ENDPOINT":     endpoint,
		"CACHE_S3_BUCKET":       os.Getenv("CACHE_TEST_S3_BUCKET"),
		"CACHE_S3_PREFIX":       "slipway-run-test/" + hash + "/",
		"CACHE_S3_REGION":       "us-east-1",
		"AWS_ACCESS_KEY_ID":     os.Getenv("CACHE_TEST_S3_ACCESS_KEY"),
		"AWS_SECRET_ACCESS_KEY": os.Getenv("CACHE_TEST_S3_SECRET_KEY"),
		"CACHE_S3_SPOOL_DIR":    t.TempDir(),
		"CACHE_READ_TOKENS":     "reader",
		"CACHE_WRITE_TOKENS":    "writer",
	})
	exercise(t, inst, hash)
	if err := inst.Stop(); err != nil {
		t.Fatalf("run returned %v\n%s", err, inst.Logs)
	}
}

// startUpload opens a PUT of size bytes and sends the first half.
func startUpload(t *testing.T, inst *testkit.Instance, hash string, data []byte) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", inst.Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "PUT /v1/cache/%s HTTP/1.1\r\nHost: cache\r\nAuthorization: Bearer writer\r\n"+
		"Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n", hash, len(data))
	if _, err := conn.Write(data[:len(data)/2]); err != nil {
		t.Fatal(err)
	}
	return conn
}

// waitRefusing waits until the instance no longer accepts connections,
// i.e. its shutdown has begun.
func waitRefusing(t *testing.T, inst *testkit.Instance) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", inst.Addr, 100*time.Millisecond)
		if err != nil {
			return
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections after cancel")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRunShutdownCompletesUpload cancels the server during an upload: the
// upload must still finish and be stored.
func TestRunShutdownCompletesUpload(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	env := map[string]string{
		"CACHE_ADDR": "127.0.0.1:0", "CACHE_DIR": dir, "CACHE_WRITE_TOKENS": "writer", "CACHE_SHUTDOWN_TIMEOUT": "10s",
	}
	inst := testkit.Start(t, run, []string{"cache"}, env)
	data := randomBytes(t, 1<<20)
	conn := startUpload(t, inst, "777", data)
	time.Sleep(50 * time.Millisecond) // let the handler start reading
	inst.Cancel()
	waitRefusing(t, inst)
	if _, err := conn.Write(data[len(data)/2:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("upload during shutdown: %d", resp.StatusCode)
	}
	if err := inst.Wait(); err != nil {
		t.Fatalf("run returned %v", err)
	}
	inst2 := testkit.Start(t, run, []string{"cache"}, env)
	if status, _, body := request(t, "GET", inst2.Base+"/v1/cache/777", "writer", nil); status != 200 || !bytes.Equal(body, data) {
		t.Fatalf("entry after restart: %d, %d bytes", status, len(body))
	}
}

// TestRunShutdownCleansUpStalledUpload: an upload that does not finish
// within the shutdown timeout is cut off and leaves nothing behind.
func TestRunShutdownCleansUpStalledUpload(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	inst := testkit.Start(t, run, []string{"cache"}, map[string]string{
		"CACHE_ADDR": "127.0.0.1:0", "CACHE_DIR": dir, "CACHE_WRITE_TOKENS": "writer", "CACHE_SHUTDOWN_TIMEOUT": "300ms",
	})
	startUpload(t, inst, "778", randomBytes(t, 1<<20))
	time.Sleep(50 * time.Millisecond)
	err := inst.Stop()
	if !errors.Is(err, httpx.ErrShutdownTimeout) {
		t.Fatalf("run returned %v, want ErrShutdownTimeout", err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() != ".tmp" {
			t.Fatalf("entry left behind: %s", e.Name())
		}
	}
	if tmp, _ := os.ReadDir(filepath.Join(dir, ".tmp")); len(tmp) != 0 {
		t.Fatalf("temporary files left behind: %v", tmp)
	}
}

// TestRunStalledUploadIsCutOff: an upload that stops sending for longer
// than CACHE_STALL_TIMEOUT ends with 400 and leaves nothing, while the
// server keeps serving; a slow but moving one is unaffected (see
// httpx.ProgressDeadlines' tests).
func TestRunStalledUploadIsCutOff(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	inst := testkit.Start(t, run, []string{"cache"}, map[string]string{
		"CACHE_ADDR": "127.0.0.1:0", "CACHE_DIR": dir, "CACHE_WRITE_TOKENS": "writer", "CACHE_STALL_TIMEOUT": "300ms",
	})
	conn := startUpload(t, inst, "779", randomBytes(t, 1<<20))
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled upload: %v", err)
	}
	if resp.StatusCode != 400 {
		t.Fatalf("stalled upload: %d", resp.StatusCode)
	}
	if status, _, _ := request(t, "GET", inst.Base+"/v1/cache/779", "writer", nil); status != 404 {
		t.Fatalf("GET after stalled upload: %d", status)
	}
	if tmp, _ := os.ReadDir(filepath.Join(dir, ".tmp")); len(tmp) != 0 {
		t.Fatalf("temporary files left behind: %v", tmp)
	}
	if err := inst.Stop(); err != nil {
		t.Fatal(err)
	}
}

func TestRunArgsAndConfigErrors(t *testing.T) {
	testkit.RunCases(t, run, []testkit.RunCase{
		{Name: "version", Args: []string{"cache", "-version"}, WantOut: "cache dev\n"},
		{Name: "help", Args: []string{"cache", "-h"}, WantOut: "CACHE_WRITE_TOKENS"},
		{Name: "unknown flag", Args: []string{"cache", "-nope"}, WantErr: "flag provided but not defined"},
		{Name: "stray argument", Args: []string{"cache", "serve"}, WantErr: "unexpected arguments"},
		{Name: "no tokens", Args: []string{"cache"}, Env: map[string]string{"CACHE_DIR": testkit.TempDir},
			WantErr: "no tokens are configured"},
		{Name: "bad env", Args: []string{"cache"}, Env: map[string]string{"CACHE_WRITE_TOKENS": "w", "CACHE_MAX_BYTES": "lots"},
			WantErr: "CACHE_MAX_BYTES"},
		{Name: "s3 without bucket", Args: []string{"cache"}, Env: map[string]string{"CACHE_WRITE_TOKENS": "w", "CACHE_STORE": "s3"},
			WantErr: "CACHE_S3_BUCKET"},
		{Name: "bad addr", Args: []string{"cache"}, Env: map[string]string{"CACHE_WRITE_TOKENS": "w", "CACHE_DIR": testkit.TempDir, "CACHE_ADDR": "127.0.0.1:99999"},
			WantErr: "listen on 127.0.0.1:99999"},
		{Name: "unusable dir", Args: []string{"cache"}, Env: map[string]string{"CACHE_WRITE_TOKENS": "w", "CACHE_DIR": "/dev/null/cache"},
			WantErr: "create cache directory"},
	})
}
