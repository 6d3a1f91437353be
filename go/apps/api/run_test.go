package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// logSink is a concurrency-safe stdout for run that also announces the
// address from the "listening" log record.
type logSink struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	addrc chan string
}

func newLogSink() *logSink { return &logSink{addrc: make(chan string, 1)} }

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	sc := bufio.NewScanner(bytes.NewReader(p))
	for sc.Scan() {
		var rec struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "listening" {
			select {
			case s.addrc <- rec.Addr:
			default:
			}
		}
	}
	return len(p), nil
}

func (s *logSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// records returns every log record with the given message.
func (s *logSink) records(msg string) []map[string]any {
	var out []map[string]any
	for line := range strings.SplitSeq(s.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

type instance struct {
	base string
	logs *logSink
	stop func() error
}

// start runs the service with env and waits until it listens.
func start(t *testing.T, env map[string]string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := newLogSink()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"api"}, func(k string) string { return env[k] }, logs)
	}()
	var addr string
	select {
	case addr = <-logs.addrc:
	case err := <-done:
		cancel()
		t.Fatalf("run returned before listening: %v\n%s", err, logs)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatalf("no listening record within 10s:\n%s", logs)
	}
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("run did not return within 10s of cancel")
			return nil
		}
	}
	t.Cleanup(func() { _ = stop() })
	return &instance{base: "http://" + addr, logs: logs, stop: stop}
}

func request(t *testing.T, method, u, auth, body string) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

const buildJSON = `{"project":"api","image":"registry.example/ns/slipway-api",
	"digest":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"tags":["3f2c1ab","main"],"sizeBytes":12345678,"platform":"linux/amd64","gitSha":"3f2c1ab",
	"nxHash":"9f8e7d6c5b4a","outcome":"built","durationMs":1234,"ciRunId":"run-7"}`

func TestRunServesAndShutsDown(t *testing.T) {
	version = "test-1.0"
	t.Cleanup(func() { version = "dev" })
	dataDir := t.TempDir() + "/data"
	env := map[string]string{
		"API_ADDR":             "127.0.0.1:0",
		"API_DATA_DIR":         dataDir,
		"API_WRITE_TOKENS":     "ci-token, other-token",
		"API_SHUTDOWN_TIMEOUT": "5s",
	}
	inst := start(t, env)

	status, body := request(t, "GET", inst.base+"/healthz", "", "")
	if status != 200 || string(body) != `{"status":"ok","version":"test-1.0"}`+"\n" {
		t.Fatalf("healthz %d %s", status, body)
	}
	if status, body = request(t, "GET", inst.base+"/readyz", "", ""); status != 200 {
		t.Fatalf("readyz %d %s", status, body)
	}
	if status, body = request(t, "POST", inst.base+"/api/v1/builds", "", buildJSON); status != 401 {
		t.Fatalf("unauthenticated POST %d %s", status, body)
	}
	status, body = request(t, "POST", inst.base+"/api/v1/builds", "other-token", buildJSON)
	if status != 201 {
		t.Fatalf("POST %d %s", status, body)
	}
	var created map[string]any
	if err := json.Unmarshal(body, &created); err != nil || created["id"] != float64(1) || created["recordedAt"] == "" {
		t.Fatalf("created %s (%v)", body, err)
	}

	status, body = request(t, "GET", inst.base+"/api/v1/images", "", "")
	var images struct {
		Images []struct {
			Image      string         `json:"image"`
			BuildCount int            `json:"buildCount"`
			Latest     map[string]any `json:"latest"`
		} `json:"images"`
	}
	if err := json.Unmarshal(body, &images); err != nil || status != 200 || len(images.Images) != 1 ||
		images.Images[0].Image != "registry.example/ns/slipway-api" || images.Images[0].BuildCount != 1 ||
		images.Images[0].Latest["digest"] != created["digest"] {
		t.Fatalf("images %d %s", status, body)
	}
	buildsPath := "/api/v1/images/" + url.PathEscape("registry.example/ns/slipway-api") + "/builds"
	status, body = request(t, "GET", inst.base+buildsPath, "", "")
	if status != 200 || !strings.Contains(string(body), `"nextCursor":null`) || !strings.Contains(string(body), `"ciRunId":"run-7"`) {
		t.Fatalf("builds %d %s", status, body)
	}

	if err := inst.stop(); err != nil {
		t.Fatalf("run returned %v\n%s", err, inst.logs)
	}
	if len(inst.logs.records("stopped")) != 1 {
		t.Fatalf("no clean stop logged:\n%s", inst.logs)
	}
	if _, err := http.Get(inst.base + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
	starting := inst.logs.records("starting api")
	if len(starting) != 1 || starting[0]["version"] != "test-1.0" || strings.Contains(inst.logs.String(), "ci-token") {
		t.Fatalf("start record %v (tokens must not be logged)", starting)
	}
	if n := len(inst.logs.records("applied migration")); n != 1 {
		t.Fatalf("%d migrations applied on first start", n)
	}
	if n := len(inst.logs.records("request")); n < 6 {
		t.Fatalf("only %d request log records", n)
	}

	// A restart on the same data directory keeps the data and applies no
	// migration again.
	inst2 := start(t, env)
	status, body = request(t, "GET", inst2.base+buildsPath, "", "")
	if status != 200 || !strings.Contains(string(body), `"id":1`) {
		t.Fatalf("after restart %d %s", status, body)
	}
	if n := len(inst2.logs.records("applied migration")); n != 0 {
		t.Fatalf("%d migrations re-applied on restart", n)
	}
	if err := inst2.stop(); err != nil {
		t.Fatal(err)
	}
}

func TestRunWithoutWriteTokens(t *testing.T) {
	inst := start(t, map[string]string{"API_ADDR": "127.0.0.1:0", "API_DATA_DIR": t.TempDir()})
	if len(inst.logs.records("API_WRITE_TOKENS is empty: POST /api/v1/builds will answer 401 until it is set")) != 1 {
		t.Fatalf("no warning logged:\n%s", inst.logs)
	}
	status, body := request(t, "POST", inst.base+"/api/v1/builds", "anything", buildJSON)
	if status != 401 || !strings.Contains(string(body), "API_WRITE_TOKENS") {
		t.Fatalf("POST %d %s", status, body)
	}
}

func TestRunArgsAndConfigErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantOut string
		wantErr string
	}{
		{name: "version", args: []string{"api", "-version"}, wantOut: "api dev\n"},
		{name: "help", args: []string{"api", "-h"}, wantOut: "API_WRITE_TOKENS"},
		{name: "unknown flag", args: []string{"api", "-nope"}, wantErr: "flag provided but not defined"},
		{name: "stray argument", args: []string{"api", "serve"}, wantErr: "unexpected arguments"},
		{name: "bad env", args: []string{"api"}, env: map[string]string{"API_MAX_BODY_BYTES": "lots", "API_LOG_LEVEL": "chatty"},
			wantErr: "API_MAX_BODY_BYTES"},
		{name: "bad addr", args: []string{"api"}, env: map[string]string{"API_ADDR": "127.0.0.1:99999", "API_DATA_DIR": "DATADIR"},
			wantErr: "listen on 127.0.0.1:99999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			dir := t.TempDir()
			getenv := func(k string) string {
				if tt.env[k] == "DATADIR" {
					return dir
				}
				return tt.env[k]
			}
			err := run(context.Background(), tt.args, getenv, &out)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Fatalf("output %q lacks %q", out.String(), tt.wantOut)
			}
		})
	}
}
