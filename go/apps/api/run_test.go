package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to watch the server's sessions

	"slipway/apps/api/internal/store/storetest"
	"slipway/libs/testkit"
)

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
	resp, b := testkit.Do(t, nil, req)
	return resp.StatusCode, b
}

const buildJSON = `{"project":"api","image":"registry.example/ns/slipway-api",
	"digest":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"tags":["3f2c1ab","main"],"sizeBytes":12345678,"platform":"linux/amd64","gitSha":"3f2c1ab",
	"nxHash":"9f8e7d6c5b4a","outcome":"built","durationMs":1234,"ciRunId":"run-7"}`

func TestRunServesAndShutsDown(t *testing.T) {
	storetest.Each(t, testRunServesAndShutsDown)
}

func testRunServesAndShutsDown(t *testing.T, db storetest.Database) {
	version = "test-1.0"
	t.Cleanup(func() { version = "dev" })
	databaseURL, appName := tagConnections(t, db.DatabaseURL)
	env := map[string]string{
		"API_ADDR":             "127.0.0.1:0",
		"API_DATA_DIR":         t.TempDir() + "/data",
		"DATABASE_URL":         databaseURL,
		"API_WRITE_TOKENS":     "ci-token, other-token",
		"API_SHUTDOWN_TIMEOUT": "5s",
	}
	inst := testkit.Start(t, run, []string{"api"}, env)

	status, body := request(t, "GET", inst.Base+"/healthz", "", "")
	if status != 200 || string(body) != `{"status":"ok","version":"test-1.0"}`+"\n" {
		t.Fatalf("healthz %d %s", status, body)
	}
	if status, body = request(t, "GET", inst.Base+"/readyz", "", ""); status != 200 {
		t.Fatalf("readyz %d %s", status, body)
	}
	if status, body = request(t, "POST", inst.Base+"/api/v1/builds", "", buildJSON); status != 401 {
		t.Fatalf("unauthenticated POST %d %s", status, body)
	}
	status, body = request(t, "POST", inst.Base+"/api/v1/builds", "other-token", buildJSON)
	if status != 201 {
		t.Fatalf("POST %d %s", status, body)
	}
	var created map[string]any
	if err := json.Unmarshal(body, &created); err != nil || created["id"] != float64(1) || created["recordedAt"] == "" {
		t.Fatalf("created %s (%v)", body, err)
	}

	status, body = request(t, "GET", inst.Base+"/api/v1/images", "", "")
	var images struct {
		Images []struct {
			Image  string         `json:"image"`
			Builds int            `json:"builds"`
			Latest map[string]any `json:"latest"`
		} `json:"images"`
	}
	if err := json.Unmarshal(body, &images); err != nil || status != 200 || len(images.Images) != 1 ||
		images.Images[0].Image != "registry.example/ns/slipway-api" || images.Images[0].Builds != 1 ||
		images.Images[0].Latest["digest"] != created["digest"] {
		t.Fatalf("images %d %s", status, body)
	}
	buildsPath := "/api/v1/images/" + url.PathEscape("registry.example/ns/slipway-api") + "/builds"
	status, body = request(t, "GET", inst.Base+buildsPath, "", "")
	if status != 200 || !strings.Contains(string(body), `"nextCursor":null`) || !strings.Contains(string(body), `"ciRunId":"run-7"`) {
		t.Fatalf("builds %d %s", status, body)
	}

	inst.StopCleanly()
	if appName != "" {
		// A clean stop closes the connection pool: PostgreSQL holds no
		// session of this server any more.
		waitNoSessions(t, db.DatabaseURL, appName)
	}
	starting := inst.Logs.Records("starting api")
	if len(starting) != 1 || starting[0]["version"] != "test-1.0" || strings.Contains(inst.Logs.String(), "ci-token") {
		t.Fatalf("start record %v (tokens must not be logged)", starting)
	}
	if u, _ := url.Parse(db.DatabaseURL); u != nil && u.User != nil {
		if pw, _ := u.User.Password(); pw != "" && strings.Contains(inst.Logs.String(), pw) {
			t.Fatal("the database password was logged")
		}
	}
	if cfg, _ := starting[0]["config"].(map[string]any); !strings.HasPrefix(fmt.Sprint(cfg["storage"]), db.Name) {
		t.Fatalf("start record storage %v, want %s", cfg["storage"], db.Name)
	}
	// Every migration of the store, counted from its files so that a new one needs no edit here.
	if files, _ := filepath.Glob(filepath.Join("internal", "store", "migrations", "sqlite", "*.sql")); len(files) < 6 ||
		len(inst.Logs.Records("applied migration")) != len(files) {
		t.Fatalf("%d migrations applied on first start, want %d", len(inst.Logs.Records("applied migration")), len(files))
	}
	if n := len(inst.Logs.Records("request")); n < 6 {
		t.Fatalf("only %d request log records", n)
	}

	// A restart on the same data directory keeps the data and applies no
	// migration again.
	inst2 := testkit.Start(t, run, []string{"api"}, env)
	status, body = request(t, "GET", inst2.Base+buildsPath, "", "")
	if status != 200 || !strings.Contains(string(body), `"id":1`) {
		t.Fatalf("after restart %d %s", status, body)
	}
	if n := len(inst2.Logs.Records("applied migration")); n != 0 {
		t.Fatalf("%d migrations re-applied on restart", n)
	}
	if err := inst2.Stop(); err != nil {
		t.Fatal(err)
	}
}

func TestRunWithoutWriteTokens(t *testing.T) {
	inst := testkit.Start(t, run, []string{"api"}, map[string]string{"API_ADDR": "127.0.0.1:0", "API_DATA_DIR": t.TempDir()})
	if len(inst.Logs.Records("API_WRITE_TOKENS is empty: POST /api/v1/builds will answer 401 until it is set")) != 1 {
		t.Fatalf("no warning logged:\n%s", inst.Logs)
	}
	status, body := request(t, "POST", inst.Base+"/api/v1/builds", "anything", buildJSON)
	if status != 401 || !strings.Contains(string(body), "API_WRITE_TOKENS") {
		t.Fatalf("POST %d %s", status, body)
	}
}

func TestRunArgsAndConfigErrors(t *testing.T) {
	testkit.RunCases(t, run, []testkit.RunCase{
		{Name: "version", Args: []string{"api", "-version"}, WantOut: "api dev\n"},
		{Name: "help", Args: []string{"api", "-h"}, WantOut: "API_WRITE_TOKENS"},
		{Name: "unknown flag", Args: []string{"api", "-nope"}, WantErr: "flag provided but not defined"},
		{Name: "stray argument", Args: []string{"api", "serve"}, WantErr: "unexpected arguments"},
		{Name: "bad env", Args: []string{"api"}, Env: map[string]string{"API_MAX_BODY_BYTES": "lots", "API_LOG_LEVEL": "chatty"},
			WantErr: "API_MAX_BODY_BYTES"},
		{Name: "database url not postgres", Args: []string{"api"}, Env: map[string]string{"DATABASE_URL": "mysql://db/ledger"},
			WantErr: "DATABASE_URL"},
		{Name: "database unreachable", Args: []string{"api"}, Env: map[string]string{"API_ADDR": "127.0.0.1:0",
			"DATABASE_URL": "postgres://ledger:pw@127.0.0.1:1/ledger?connect_timeout=2"}, WantErr: "is PostgreSQL running"},
		{Name: "bad addr", Args: []string{"api"}, Env: map[string]string{"API_ADDR": "127.0.0.1:99999", "API_DATA_DIR": testkit.TempDir},
			WantErr: "listen on 127.0.0.1:99999"},
	})
}

// tagConnections gives a PostgreSQL URL an application_name of its own, so
// that the server's sessions can be found in pg_stat_activity; a SQLite
// database (empty URL) is returned as is, with an empty name.
func tagConnections(t *testing.T, databaseURL string) (string, string) {
	t.Helper()
	if databaseURL == "" {
		return "", ""
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("api-run-test-%d", time.Now().UnixNano())
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String(), name
}

// waitNoSessions waits until the server at databaseURL has no session named
// appName; backends exit shortly after their client closes.
func waitNoSessions(t *testing.T, databaseURL, appName string) {
	t.Helper()
	admin, err := sql.Open("pgx", databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var n int
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if err := admin.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1`, appName).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d PostgreSQL sessions of the stopped server remain: the pool was not closed", n)
		}
	}
}
