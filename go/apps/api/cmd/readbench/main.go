// Command readbench measures the ledger API's public reads under load: it
// fills a fresh ledger with a large history (by default 50 000 builds of
// 5 000 images, in CI runs of 20 images), serves the real API handler on
// loopback, and lets a few concurrent anonymous clients page through the
// image overview and the runs for a while, then reports the latency
// percentiles and the throughput of each. It writes to PostgreSQL when
// DATABASE_URL is set (in a schema of its own, dropped at the end),
// otherwise to SQLite in a temporary directory. bench/src/api-reads.ts runs
// it on both. One file over 300 lines: a benchmark command reads best
// whole, from its flags to its report.
//
//	readbench [-builds N] [-images N] [-clients N] [-duration D] [-limit N] [-json]
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"

	"slipway/apps/api/internal/config"
	"slipway/apps/api/internal/ledger"
	"slipway/apps/api/internal/server"
	"slipway/apps/api/internal/store"
	"slipway/libs/httpx"
	"slipway/libs/logging"
	"slipway/libs/service"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for the schema
)

func main() { service.Main(run) }

// options are the command's flags.
type options struct {
	builds, images, clients, limit int
	duration                       time.Duration
	json                           bool
}

// Result is what one measurement found; -json prints it.
type Result struct {
	Database     string        `json:"database"`
	Builds       int           `json:"builds"`
	Images       int           `json:"images"`
	Runs         int           `json:"runs"`
	Clients      int           `json:"clients"`
	Limit        int           `json:"limit"`
	SeedSeconds  float64       `json:"seedSeconds"`
	Seconds      float64       `json:"seconds"`
	Endpoints    []Measurement `json:"endpoints"`
	TargetP99Ms  float64       `json:"targetP99Ms"`
	MeetsTarget  bool          `json:"meetsTarget"`
	StartedAtUTC string        `json:"startedAt"`
}

// Measurement sums up the requests of one kind.
type Measurement struct {
	// Name says what was asked, e.g. "images?limit=50 (walking every page)".
	Name     string  `json:"name"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	PerSec   float64 `json:"perSecond"`
	P50Ms    float64 `json:"p50Ms"`
	P90Ms    float64 `json:"p90Ms"`
	P99Ms    float64 `json:"p99Ms"`
	MaxMs    float64 `json:"maxMs"`
}

// targetP99 is the latency the image overview must stay under.
const targetP99 = 50 * time.Millisecond

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stdout)
	var o options
	fs.IntVar(&o.builds, "builds", 50_000, "builds to record before measuring")
	fs.IntVar(&o.images, "images", 5_000, "images they are spread over")
	fs.IntVar(&o.clients, "clients", 4, "concurrent clients")
	fs.IntVar(&o.limit, "limit", 50, "page size the clients ask for")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long each kind of request is measured")
	fs.BoolVar(&o.json, "json", false, "print the result as JSON")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	case o.images < 1 || o.builds < o.images:
		return errors.New("-images must be at least 1 and -builds at least -images")
	case o.clients < 1 || o.limit < 1 || o.limit > ledger.MaxImagePageSize || o.duration <= 0:
		return fmt.Errorf("-clients and -duration must be positive, -limit from 1 to %d", ledger.MaxImagePageSize)
	}

	cfg := store.Config{DatabaseURL: getenv(config.EnvDatabaseURL)}
	dbName := "postgres"
	if cfg.DatabaseURL != "" {
		u, drop, err := freshSchema(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		defer drop()
		cfg.DatabaseURL = u
	} else {
		dir, err := os.MkdirTemp("", "slipway-readbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.DataDir, dbName = dir, "sqlite"
	}
	st, err := store.Open(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer st.Close()

	res := Result{Database: dbName, Builds: o.builds, Images: o.images, Clients: o.clients, Limit: o.limit,
		TargetP99Ms: ms(targetP99), StartedAtUTC: time.Now().UTC().Format(time.RFC3339)}
	progress := func(format string, a ...any) {
		if !o.json {
			fmt.Fprintf(stdout, format+"\n", a...)
		}
	}
	progress("recording %d builds of %d images in %s ...", o.builds, o.images, dbName)
	seedStart := time.Now()
	builds, runs := history(o.builds, o.images)
	res.Runs = runs
	if n, err := st.AddBuildsIfEmpty(ctx, builds); err != nil {
		return fmt.Errorf("record the history: %w", err)
	} else if n > 0 {
		return fmt.Errorf("the ledger already holds %d builds: readbench needs an empty one", n)
	}
	res.SeedSeconds = time.Since(seedStart).Seconds()
	progress("recorded in %.1f s", res.SeedSeconds)

	srv := server.New(st, logging.Discard(), httpx.NewTokenSet(), server.Config{Version: "readbench", MaxBodyBytes: config.DefaultMaxBodyBytes})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln) //nolint:errcheck // ends with Shutdown
	defer hs.Shutdown(context.Background())
	base := "http://" + ln.Addr().String()

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.clients}}
	started := time.Now()
	for _, kind := range []struct {
		name, first string
		next        func(body []byte) (string, error)
	}{
		{fmt.Sprintf("GET /api/v1/images?limit=%d, every page in turn", o.limit), fmt.Sprintf("/api/v1/images?limit=%d", o.limit), nextImages},
		{"GET /api/v1/images (first page, default limit)", "/api/v1/images", nil},
		{fmt.Sprintf("GET /api/v1/runs?limit=%d, every page in turn", o.limit), fmt.Sprintf("/api/v1/runs?limit=%d", o.limit), nextRuns},
	} {
		progress("measuring %s: %d clients for %s ...", kind.name, o.clients, o.duration)
		m := measure(ctx, client, base, kind.first, kind.next, o.clients, o.duration)
		m.Name = kind.name
		progress("  %d requests (%d errors), %.0f/s, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
			m.Requests, m.Errors, m.PerSec, m.P50Ms, m.P90Ms, m.P99Ms, m.MaxMs)
		res.Endpoints = append(res.Endpoints, m)
	}
	res.Seconds = time.Since(started).Seconds()
	res.MeetsTarget = res.Endpoints[0].Errors == 0 && res.Endpoints[0].P99Ms < res.TargetP99Ms
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	verdict := "meets"
	if !res.MeetsTarget {
		verdict = "misses"
	}
	progress("the image overview %s the target (p99 under %.0f ms)", verdict, res.TargetP99Ms)
	return nil
}

// measure lets clients request first, then (with next) the page after
// each answer until the last, then first again, for d; and sums up.
func measure(ctx context.Context, client *http.Client, base, first string, next func([]byte) (string, error), clients int, d time.Duration) Measurement {
	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      int
		wg        sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	for range clients {
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			path := first
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t := time.Now()
				body, err := get(ctx, client, base+path)
				mine = append(mine, time.Since(t))
				if err != nil {
					bad++
					path = first
					continue
				}
				path = first
				if next != nil {
					if cursor, err := next(body); err != nil {
						bad++
					} else if cursor != "" {
						path = first + "&cursor=" + url.QueryEscape(cursor)
					}
				}
			}
			mu.Lock()
			latencies, errs = append(latencies, mine...), errs+bad
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(latencies)
	m := Measurement{Requests: len(latencies), Errors: errs, PerSec: float64(len(latencies)) / d.Seconds()}
	if len(latencies) > 0 {
		at := func(p float64) float64 { return ms(latencies[min(len(latencies)-1, int(p*float64(len(latencies))))]) }
		m.P50Ms, m.P90Ms, m.P99Ms, m.MaxMs = at(0.50), at(0.90), at(0.99), ms(latencies[len(latencies)-1])
	}
	return m
}

// get fetches u and returns the body of a 200.
func get(ctx context.Context, client *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s: %d %.200s", u, resp.StatusCode, body)
	}
	return body, err
}

func nextImages(body []byte) (string, error) {
	var page struct {
		Images     []json.RawMessage `json:"images"`
		NextCursor *string           `json:"nextCursor"`
	}
	return nextCursor(body, &page, func() *string { return page.NextCursor })
}

func nextRuns(body []byte) (string, error) {
	var page struct {
		Runs       []json.RawMessage `json:"runs"`
		NextCursor *string           `json:"nextCursor"`
	}
	return nextCursor(body, &page, func() *string { return page.NextCursor })
}

func nextCursor(body []byte, page any, cursor func() *string) (string, error) {
	if err := json.Unmarshal(body, page); err != nil {
		return "", err
	}
	if c := cursor(); c != nil {
		return *c, nil
	}
	return "", nil
}

// history makes n builds of images images, oldest first, one a minute: CI
// runs of 20 images (the images of a run in turn), 8 in 10 reused, every
// 25th build a local one without a run. It returns the builds and the
// number of runs.
func history(n, images int) ([]ledger.Build, int) {
	const perRun = 20
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]ledger.Build, 0, n)
	runs := map[string]bool{}
	for i := range n {
		image := i % images
		outcome := ledger.OutcomeReused
		if i%10 < 2 {
			outcome = ledger.OutcomeBuilt
		}
		runID := fmt.Sprintf("run-%d", i/perRun)
		if i%25 == 24 {
			runID = ""
		} else {
			runs[runID] = true
		}
		budget := int64(20_000_000)
		out = append(out, ledger.Build{
			NewBuild: ledger.NewBuild{
				Project:     fmt.Sprintf("project-%d", image%50),
				Image:       fmt.Sprintf("registry.example/bench/image-%d", image),
				Digest:      fmt.Sprintf("sha256:%064x", i),
				Tags:        []string{fmt.Sprintf("%07x", i), "main"},
				SizeBytes:   int64(10_000_000 + i%7_000_000),
				BudgetBytes: &budget,
				Platform:    "linux/amd64",
				GitSHA:      fmt.Sprintf("%07x", i/perRun),
				NxHash:      fmt.Sprintf("%d", i),
				Outcome:     outcome,
				DurationMs:  int64(1_000 + i%90_000),
				CIRunID:     runID,
			},
			RecordedAt: start.Add(time.Duration(i) * time.Minute),
		})
	}
	return out, len(runs)
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// freshSchema creates an empty schema on the PostgreSQL server at base and
// returns base with its search_path set to it, and a function dropping it.
func freshSchema(ctx context.Context, base string) (string, func(), error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("%s: not a URL", config.EnvDatabaseURL)
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	schema := "readbench_" + hex.EncodeToString(suffix)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create a schema on %s: %w", u.Redacted(), err)
	}
	drop := func() {
		_, _ = admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
		admin.Close()
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}
