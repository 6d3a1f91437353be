package server

// The API under test: a real server on loopback over a fresh store of each
// database, and the requests and builds the endpoint tests share.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"slipway/apps/api/internal/apitypes"
	"slipway/apps/api/internal/store"
	"slipway/apps/api/internal/store/storetest"
	"slipway/libs/httpx"
	"slipway/libs/logging"
	"slipway/libs/testkit"
)

const token = "test-write-token"

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// fakeClock hands out t0, t0+1s, t0+2s, ...
type fakeClock struct {
	mu sync.Mutex
	n  int
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return t0.Add(time.Duration(c.n-1) * time.Second)
}

type testAPI struct {
	*httptest.Server
	store *store.Store
}

// newTestAPI serves the API on an empty store in db.
func newTestAPI(t *testing.T, db storetest.Database, tokens []string, maxBody int64) *testAPI {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{DatabaseURL: db.DatabaseURL, DataDir: db.DataDir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := New(st, logging.Discard(), httpx.NewTokenSet(tokens...), Config{Version: "1.2.3", MaxBodyBytes: maxBody})
	srv.now = (&fakeClock{}).now
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &testAPI{Server: ts, store: st}
}

// eachAPI runs fn against an API on a fresh store of every supported
// database (storetest.Each).
func eachAPI(t *testing.T, tokens []string, maxBody int64, fn func(t *testing.T, api *testAPI)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db storetest.Database) { fn(t, newTestAPI(t, db, tokens, maxBody)) })
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body is not JSON (%v): %s", err, r.body)
	}
}

func (r response) apiError(t *testing.T) *httpx.Error {
	t.Helper()
	var body httpx.ErrorBody
	r.json(t, &body)
	if body.Error == nil || body.Error.Code == "" || body.Error.Message == "" {
		t.Fatalf("not the error shape: %s", r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("error Content-Type %q", ct)
	}
	return body.Error
}

// do sends a request to rawPath, which is used verbatim (already escaped).
func (a *testAPI) do(t *testing.T, method, rawPath string, header map[string]string, body io.Reader) response {
	t.Helper()
	req, err := http.NewRequest(method, a.URL+rawPath, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, b := testkit.Do(t, a.Client(), req)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func (a *testAPI) post(t *testing.T, body string) response {
	t.Helper()
	return a.do(t, http.MethodPost, "/api/v1/builds",
		map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}, strings.NewReader(body))
}

func validBuild(image string, tags ...string) map[string]any {
	if len(tags) == 0 {
		tags = []string{"3f2c1ab", "main"}
	}
	return map[string]any{
		"project":    "api",
		"image":      image,
		"digest":     "sha256:" + strings.Repeat("a1", 32),
		"tags":       tags,
		"sizeBytes":  12345678,
		"platform":   "linux/amd64",
		"gitSha":     "3f2c1ab",
		"nxHash":     "8412093740293847",
		"outcome":    "built",
		"durationMs": 1234,
		"ciRunId":    "gh-42",
	}
}

func encode(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mustPost records b and returns the stored build.
func (a *testAPI) mustPost(t *testing.T, b map[string]any) apitypes.Build {
	t.Helper()
	res := a.post(t, encode(t, b))
	if res.status != http.StatusCreated {
		t.Fatalf("POST: %d %s", res.status, res.body)
	}
	var out apitypes.Build
	res.json(t, &out)
	return out
}

// Images of TestImagesNewestLatestFirst and TestImageBuildsPaging, with
// slashes and a port to escape.
const (
	slipwayAPIImage = "registry.example/ns/slipway-api"
	portWebImage    = "localhost:5000/slipway/web"
)

// postAPIThenWeb records five builds of slipwayAPIImage (tags v0 to v4),
// then one of portWebImage (project web), and returns them in order.
func postAPIThenWeb(t *testing.T, api *testAPI) []apitypes.Build {
	t.Helper()
	var builds []apitypes.Build
	for i := range 5 {
		builds = append(builds, api.mustPost(t, validBuild(slipwayAPIImage, fmt.Sprintf("v%d", i))))
	}
	web := validBuild(portWebImage)
	web["project"] = "web"
	return append(builds, api.mustPost(t, web))
}

func ptr[T any](v T) *T { return &v }

// ciBuild is a valid build body of image in CI run runID ("" for a local
// build) with outcome, size and budget (0: none).
func ciBuild(project, image, runID, outcome string, size, budget int64) map[string]any {
	b := validBuild(image)
	b["project"], b["outcome"], b["sizeBytes"] = project, outcome, size
	if runID == "" {
		delete(b, "ciRunId")
	} else {
		b["ciRunId"] = runID
	}
	if budget > 0 {
		b["budgetBytes"] = budget
	}
	return b
}

const (
	webImage   = "r.example/ns/web"
	apiImage   = "r.example/ns/api"
	cacheImage = "r.example/ns/cache"
)

// seedLedger records a small history; the fake clock puts one second
// between consecutive builds, from 12:00:00 (ids 1 to 8).
func seedLedger(t *testing.T, api *testAPI) {
	t.Helper()
	for _, b := range []map[string]any{
		ciBuild("web", webImage, "run1", "built", 4_000_000, 5_000_000),    // 1 12:00:00
		ciBuild("api", apiImage, "run1", "built", 18_000_000, 0),           // 2 12:00:01
		ciBuild("web", webImage, "run2", "reused", 4_000_000, 5_000_000),   // 3 12:00:02
		ciBuild("api", apiImage, "run2", "built", 19_000_000, 0),           // 4 12:00:03
		ciBuild("cache", cacheImage, "run2", "built", 9_000_000, 0),        // 5 12:00:04
		ciBuild("web", webImage, "", "built", 4_100_000, 5_000_000),        // 6 12:00:05, local
		ciBuild("web", webImage, "run3", "reused", 4_100_000, 5_000_000),   // 7 12:00:06
		ciBuild("api", apiImage, "run3", "reused", 19_000_000, 20_000_000), // 8 12:00:07
	} {
		api.mustPost(t, b)
	}
}

// clock formats a time of day, "-" for nil.
func clock(at *time.Time) string {
	if at == nil {
		return "-"
	}
	return at.Format("15:04:05")
}

// pageIDs follows nextCursor from path (which has a query) to the end and
// returns the build ids, page by page.
func pageIDs(t *testing.T, api *testAPI, path string) [][]int64 {
	t.Helper()
	var pages [][]int64
	cursor := ""
	for range 10 {
		p := path
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		res := api.do(t, "GET", p, nil, nil)
		if res.status != 200 {
			t.Fatalf("%s: %d %s", p, res.status, res.body)
		}
		var page apitypes.BuildPage
		res.json(t, &page)
		ids := []int64{}
		for _, b := range page.Builds {
			ids = append(ids, b.Id)
		}
		pages = append(pages, ids)
		if page.NextCursor == nil {
			return pages
		}
		cursor = *page.NextCursor
	}
	t.Fatal("too many pages")
	return nil
}

// pageCursor posts n builds in distinct runs and returns the nextCursor of
// path's first page.
func pageCursor(t *testing.T, api *testAPI, path string, n int) string {
	t.Helper()
	for i := range n {
		api.mustPost(t, ciBuild("web", webImage, fmt.Sprintf("cursor%d", i), "built", 1, 0))
	}
	var page apitypes.RunPage
	res := api.do(t, "GET", path, nil, nil)
	res.json(t, &page)
	if page.NextCursor == nil {
		t.Fatalf("no next page: %s", res.body)
	}
	return url.QueryEscape(*page.NextCursor)
}

// postRaw posts body as a write without failing the test (it runs on
// worker goroutines) and returns the status.
func postRaw(api *testAPI, body string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, api.URL+"/api/v1/builds", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := api.Client().Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}
