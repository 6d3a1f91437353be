package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"slipway/apps/api/internal/apitypes"
	"slipway/apps/api/internal/ledger"
)

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

func TestImagesOverview(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		seedLedger(t, api)
		tests := []struct {
			query string
			want  []string
		}{
			{"", []string{
				"r.example/ns/api api builds=3 latest=8 built=12:00:03 reused=12:00:07 runs=3/1",
				"r.example/ns/web web builds=4 latest=7 built=12:00:05 reused=12:00:06 runs=3/2",
				"r.example/ns/cache cache builds=1 latest=5 built=12:00:04 reused=- runs=1/0",
			}},
			{"?project=web", []string{"r.example/ns/web web builds=4 latest=7 built=12:00:05 reused=12:00:06 runs=3/2"}},
			{"?project=%40slipway%2Fnone", nil},
		}
		for _, tt := range tests {
			t.Run(tt.query, func(t *testing.T) {
				// One page, and pages of one and two images: the same list.
				for _, limit := range []string{"", "1", "2"} {
					got := overview(t, api, tt.query, limit)
					if !slices.Equal(got, tt.want) {
						t.Fatalf("limit %q: images\n got %q\nwant %q", limit, got, tt.want)
					}
				}
			})
		}
	})
}

// overview follows the image overview's pages (limit images each, the
// default when "") from query and describes every image, in order.
func overview(t *testing.T, api *testAPI, query, limit string) []string {
	t.Helper()
	var got []string
	cursor := ""
	for page := 0; page < 10; page++ {
		q := url.Values{}
		if base, err := url.ParseQuery(strings.TrimPrefix(query, "?")); err == nil {
			q = base
		}
		if limit != "" {
			q.Set("limit", limit)
		}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		res := api.do(t, "GET", "/api/v1/images?"+q.Encode(), nil, nil)
		if res.status != 200 {
			t.Fatalf("%d %s", res.status, res.body)
		}
		var list apitypes.ImageList
		res.json(t, &list)
		if n, err := strconv.Atoi(limit); err == nil && len(list.Images) > n {
			t.Fatalf("page of %d, limit %s", len(list.Images), limit)
		}
		for _, im := range list.Images {
			got = append(got, fmt.Sprintf("%s %s builds=%d latest=%d built=%s reused=%s runs=%d/%d",
				im.Image, im.Project, im.Builds, im.Latest.Id, clock(im.LastBuiltAt), clock(im.LastReusedAt),
				im.Runs.Total, im.Runs.Reused))
		}
		if list.NextCursor == nil {
			return got
		}
		cursor = *list.NextCursor
	}
	t.Fatal("too many pages")
	return nil
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

func TestBuildsOutcomeFilter(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		seedLedger(t, api)
		base := "/api/v1/images/" + url.PathEscape(apiImage) + "/builds"
		tests := []struct {
			query string
			want  [][]int64
		}{
			{"?limit=20", [][]int64{{8, 4, 2}}},
			{"?outcome=built&limit=1", [][]int64{{4}, {2}}},
			{"?outcome=reused", [][]int64{{8}}},
			{"?outcome=reused&limit=1", [][]int64{{8}}},
		}
		for _, tt := range tests {
			t.Run(tt.query, func(t *testing.T) {
				if got := pageIDs(t, api, base+tt.query); fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Fatalf("pages %v, want %v", got, tt.want)
				}
			})
		}
		// An image with no build of the outcome: an empty page, not 404.
		if got := pageIDs(t, api, "/api/v1/images/"+url.PathEscape(cacheImage)+"/builds?outcome=reused"); fmt.Sprint(got) != "[[]]" {
			t.Fatalf("cache reused %v", got)
		}
	})
}

func TestImageSizes(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		seedLedger(t, api)
		tests := []struct {
			image string
			query string
			want  string
		}{
			{webImage, "", "12:00:00 4000000/5000000 built; 12:00:02 4000000/5000000 reused; 12:00:05 4100000/5000000 built; 12:00:06 4100000/5000000 reused"},
			{webImage, "?limit=2", "12:00:05 4100000/5000000 built; 12:00:06 4100000/5000000 reused"},
			{apiImage, "?limit=1000", "12:00:01 18000000/- built; 12:00:03 19000000/- built; 12:00:07 19000000/20000000 reused"},
		}
		for _, tt := range tests {
			t.Run(tt.image+tt.query, func(t *testing.T) {
				res := api.do(t, "GET", "/api/v1/images/"+url.PathEscape(tt.image)+"/sizes"+tt.query, nil, nil)
				if res.status != 200 {
					t.Fatalf("%d %s", res.status, res.body)
				}
				var series apitypes.SizeSeries
				res.json(t, &series)
				var got []string
				for _, p := range series.Points {
					budget := "-"
					if p.BudgetBytes != nil {
						budget = fmt.Sprint(*p.BudgetBytes)
					}
					got = append(got, fmt.Sprintf("%s %d/%s %s", clock(&p.RecordedAt), p.SizeBytes, budget, p.Outcome))
				}
				if series.Image != tt.image || strings.Join(got, "; ") != tt.want {
					t.Fatalf("series %s\n got %s\nwant %s", series.Image, strings.Join(got, "; "), tt.want)
				}
			})
		}
		// A point without budget says so with null, not by leaving it out.
		res := api.do(t, "GET", "/api/v1/images/"+url.PathEscape(cacheImage)+"/sizes", nil, nil)
		if !strings.Contains(string(res.body), `"budgetBytes":null`) {
			t.Fatalf("cache sizes %s", res.body)
		}
	})
}

func TestRuns(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		res := api.do(t, "GET", "/api/v1/runs", nil, nil)
		if res.status != 200 || string(res.body) != `{"runs":[],"nextCursor":null}`+"\n" {
			t.Fatalf("no runs: %d %s", res.status, res.body)
		}
		seedLedger(t, api)
		// A run id that needs escaping in the path.
		api.mustPost(t, ciBuild("web", webImage, "ci/7 #1", "reused", 4_100_000, 0)) // 12:00:08

		var got []string
		cursor := ""
		for range 5 {
			path := "/api/v1/runs?limit=2"
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			res := api.do(t, "GET", path, nil, nil)
			var page apitypes.RunPage
			res.json(t, &page)
			if res.status != 200 || len(page.Runs) > 2 {
				t.Fatalf("%d %s", res.status, res.body)
			}
			for _, r := range page.Runs {
				got = append(got, fmt.Sprintf("%s %s-%s images=%d built=%d reused=%d ms=%d",
					r.CiRunId, clock(&r.StartedAt), clock(&r.FinishedAt), r.Images, r.Built, r.Reused, r.DurationMs))
			}
			if page.NextCursor == nil {
				break
			}
			cursor = *page.NextCursor
		}
		want := []string{
			"ci/7 #1 12:00:08-12:00:08 images=1 built=0 reused=1 ms=1234",
			"run3 12:00:06-12:00:07 images=2 built=0 reused=2 ms=2468",
			"run2 12:00:02-12:00:04 images=3 built=2 reused=1 ms=3702",
			"run1 12:00:00-12:00:01 images=2 built=2 reused=0 ms=2468",
		}
		if !slices.Equal(got, want) {
			t.Fatalf("runs\n got %q\nwant %q", got, want)
		}

		tests := []struct {
			path   string
			status int
			builds []string
		}{
			{"/api/v1/runs/run2", 200, []string{"api 4", "cache 5", "web 3"}},
			{"/api/v1/runs/" + url.PathEscape("ci/7 #1"), 200, []string{"web 9"}},
			{"/api/v1/runs/ci%2F7%20%231", 200, []string{"web 9"}},
			{"/api/v1/runs/run9", 404, nil},
			{"/api/v1/runs/" + url.PathEscape(" run2"), 404, nil},
		}
		for _, tt := range tests {
			t.Run(tt.path, func(t *testing.T) {
				res := api.do(t, "GET", tt.path, nil, nil)
				if res.status != tt.status {
					t.Fatalf("%d %s", res.status, res.body)
				}
				if tt.status != 200 {
					if e := res.apiError(t); e.Code != "not_found" {
						t.Fatalf("error %+v", e)
					}
					return
				}
				var run apitypes.Run
				res.json(t, &run)
				var builds []string
				for _, b := range run.Builds {
					builds = append(builds, fmt.Sprintf("%s %d", b.Project, b.Id))
				}
				if !slices.Equal(builds, tt.builds) || run.Images != int64(len(tt.builds)) {
					t.Fatalf("run %s builds %v, want %v", run.CiRunId, builds, tt.builds)
				}
			})
		}
	})
}

func TestQueryErrors(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		api.mustPost(t, validBuild(webImage))
		builds := "/api/v1/images/" + url.PathEscape(webImage) + "/builds"
		sizes := "/api/v1/images/" + url.PathEscape(webImage) + "/sizes"
		runCursorOnBuilds := pageCursor(t, api, "/api/v1/runs?limit=1", 2)
		tests := []struct {
			path   string
			status int
			fields []string
		}{
			{"/api/v1/images?project=", 400, []string{"project"}},
			{"/api/v1/images?project=-web", 400, []string{"project"}},
			{"/api/v1/images?project=web", 200, nil},
			{"/api/v1/images?limit=100", 200, nil},
			{"/api/v1/images?limit=101", 400, []string{"limit"}},
			{"/api/v1/images?limit=0&cursor=x&project=-", 400, []string{"limit", "cursor", "project"}},
			{"/api/v1/images?cursor=" + runCursorOnBuilds, 400, []string{"cursor"}},
			{"/api/v1/images?cursor=djE6MTc0ODc3OTIwMDEyMzo0Mg", 400, []string{"cursor"}},
			{builds + "?outcome=cached", 400, []string{"outcome"}},
			{builds + "?outcome=Built&limit=0&cursor=x", 400, []string{"outcome", "limit", "cursor"}},
			{builds + "?cursor=" + runCursorOnBuilds, 400, []string{"cursor"}},
			{sizes + "?limit=0", 400, []string{"limit"}},
			{sizes + "?limit=1001", 400, []string{"limit"}},
			{sizes + "?limit=1000", 200, nil},
			{"/api/v1/images/" + url.PathEscape("r.example/ns/none") + "/sizes", 404, nil},
			{"/api/v1/images/NOT%20AN%20IMAGE/sizes", 404, nil},
			{"/api/v1/runs?limit=101", 400, []string{"limit"}},
			{"/api/v1/runs?cursor=djE6MTc0ODc3OTIwMDEyMzo0Mg", 400, []string{"cursor"}},
			{"/api/v1/runs?limit=100", 200, nil},
		}
		for _, tt := range tests {
			t.Run(tt.path, func(t *testing.T) {
				res := api.do(t, "GET", tt.path, nil, nil)
				if res.status != tt.status {
					t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
				}
				if tt.status == 200 {
					return
				}
				e := res.apiError(t)
				var fields []string
				for k := range e.Fields {
					fields = append(fields, k)
				}
				slices.Sort(fields)
				want := slices.Sorted(slices.Values(tt.fields))
				wantCode := map[int]string{400: "invalid_query", 404: "not_found"}[tt.status]
				if e.Code != wantCode || !slices.Equal(fields, want) {
					t.Fatalf("error %+v, want %s with fields %v", e, wantCode, want)
				}
			})
		}
	})
}

func TestNewRoutesAllowOnlyGet(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		for _, path := range []string{"/api/v1/runs", "/api/v1/runs/run1", "/api/v1/images/r.example%2Fa/sizes"} {
			res := api.do(t, http.MethodPost, path, map[string]string{"Authorization": "Bearer " + token}, nil)
			if res.status != http.StatusMethodNotAllowed || res.apiError(t).Code != "method_not_allowed" ||
				!strings.Contains(res.header.Get("Allow"), "GET") {
				t.Errorf("POST %s: %d %s (Allow %q)", path, res.status, res.body, res.header.Get("Allow"))
			}
		}
	})
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

func TestCreateBuildBudget(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		with := func(v any) string {
			b := validBuild(webImage)
			b["budgetBytes"] = v
			return encode(t, b)
		}
		tests := []struct {
			name   string
			body   string
			status int
			code   string
			stored string // the budgetBytes property of the response, "" if absent
		}{
			{"budget", with(5_000_000), 201, "", `"budgetBytes":5000000`},
			{"null", with(nil), 201, "", ""},
			{"absent", encode(t, validBuild(webImage)), 201, "", ""},
			{"zero", with(0), 400, "invalid_build", ""},
			{"negative", with(-1), 400, "invalid_build", ""},
			{"text", with("5MB"), 400, "invalid_json", ""},
			{"fraction", with(1.5), 400, "invalid_json", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := api.post(t, tt.body)
				if res.status != tt.status {
					t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
				}
				if tt.code != "" {
					if e := res.apiError(t); e.Code != tt.code || e.Fields["budgetBytes"] == "" {
						t.Fatalf("error %+v", e)
					}
					return
				}
				if has := strings.Contains(string(res.body), `"budgetBytes"`); has != (tt.stored != "") ||
					!strings.Contains(string(res.body), tt.stored) {
					t.Fatalf("body %s, want %q", res.body, tt.stored)
				}
			})
		}
		res := api.do(t, "GET", "/api/v1/images/"+url.PathEscape(webImage)+"/builds", nil, nil)
		var page apitypes.BuildPage
		res.json(t, &page)
		if len(page.Builds) != 3 {
			t.Fatalf("%d builds stored, want 3 (rejected ones store nothing)", len(page.Builds))
		}
	})
}

// TestConcurrentPosts is a CI matrix reporting at once: 8 writers post 25
// builds each in parallel, and every build must be stored exactly once.
func TestConcurrentPosts(t *testing.T) {
	const workers, perWorker = 8, 25
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		var wg sync.WaitGroup
		errs := make(chan string, workers*perWorker)
		for w := range workers {
			wg.Go(func() {
				for i := range perWorker {
					b := ciBuild("web", fmt.Sprintf("r.example/ns/app%d", i%3), fmt.Sprintf("matrix-%d", w), "built", 1000, 0)
					b["tags"] = []string{fmt.Sprintf("w%d-n%d", w, i)}
					res, err := postRaw(api, encode(t, b))
					if err != nil || res != http.StatusCreated {
						errs <- fmt.Sprintf("worker %d build %d: %d %v", w, i, res, err)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}

		seen := map[string]int{}
		ids := map[int64]bool{}
		for w := range workers {
			res := api.do(t, "GET", "/api/v1/runs/matrix-"+fmt.Sprint(w), nil, nil)
			var run apitypes.Run
			res.json(t, &run)
			if res.status != 200 || run.Images != perWorker || len(run.Builds) != perWorker {
				t.Fatalf("run of worker %d: %d, %d images", w, res.status, run.Images)
			}
			for _, b := range run.Builds {
				seen[b.Tags[0]]++
				ids[b.Id] = true
			}
		}
		for w := range workers {
			for i := range perWorker {
				if n := seen[fmt.Sprintf("w%d-n%d", w, i)]; n != 1 {
					t.Errorf("build w%d-n%d stored %d times", w, i, n)
				}
			}
		}
		if len(ids) != workers*perWorker {
			t.Fatalf("%d distinct ids for %d builds", len(ids), workers*perWorker)
		}
		var list apitypes.ImageList
		api.do(t, "GET", "/api/v1/images", nil, nil).json(t, &list)
		var total int64
		for _, im := range list.Images {
			total += im.Builds
		}
		if total != workers*perWorker {
			t.Fatalf("images count %d builds, want %d", total, workers*perWorker)
		}
	})
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

// TestOutOfRangeNumbersRefused: one authorized POST of durationMs 2^63-1
// used to be stored, and from then on SUM(duration_ms) overflowed and
// /api/v1/runs answered 500 for good.
func TestOutOfRangeNumbersRefused(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		api.mustPost(t, ciBuild("web", webImage, "run1", "built", 1000, 0))
		for field, value := range map[string]string{
			"durationMs":  "9223372036854775807",
			"sizeBytes":   "9007199254740992",
			"budgetBytes": "9007199254740992",
		} {
			// Spliced in as text: these do not survive a float64 round trip.
			b := ciBuild("web", webImage, "run1", "built", 1000, 0)
			delete(b, field)
			body := strings.Replace(encode(t, b), `"outcome"`, `"`+field+`":`+value+`,"outcome"`, 1)
			res := api.post(t, body)
			if res.status != http.StatusBadRequest || res.apiError(t).Fields[field] == "" {
				t.Errorf("%s=%s: %d %s", field, value, res.status, res.body)
			}
		}
		for _, path := range []string{"/api/v1/runs", "/api/v1/runs/run1"} {
			if res := api.do(t, "GET", path, nil, nil); res.status != 200 || !strings.Contains(string(res.body), `"durationMs":1234`) {
				t.Errorf("GET %s: %d %s", path, res.status, res.body)
			}
		}
	})
}

// TestDisplayedStringsAndEchoes: the dashboard shows ciRunId, so text that
// reorders or hides itself is refused; and a 404 repeats at most a short,
// escaped piece of what it was asked for.
func TestDisplayedStringsAndEchoes(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		for _, id := range []string{"run\u202e42", "run\u200b42", "run\u206642", "\ufeff42", "run\u200f42"} {
			res := api.post(t, encode(t, ciBuild("web", webImage, id, "built", 1000, 0)))
			if res.status != http.StatusBadRequest || res.apiError(t).Fields["ciRunId"] == "" {
				t.Errorf("ciRunId %q: %d %s", id, res.status, res.body)
			}
		}
		if res := api.do(t, "GET", "/api/v1/runs", nil, nil); string(res.body) != `{"runs":[],"nextCursor":null}`+"\n" {
			t.Fatalf("a refused build was stored: %s", res.body)
		}

		long := strings.Repeat("x", 10_000)
		for _, path := range []string{
			"/api/v1/runs/" + long,
			"/api/v1/runs/" + url.PathEscape("run\u202e42"),
			"/api/v1/images/" + long + "/builds",
			"/api/v1/images/" + long + "/sizes",
			"/api/v1/images/r.example%2F" + strings.Repeat("a", 200) + "/builds",
			"/api/v1/" + long,
		} {
			res := api.do(t, "GET", path, nil, nil)
			if res.status != http.StatusNotFound || len(res.body) > 400 || strings.ContainsRune(string(res.body), '\u202e') {
				t.Errorf("GET %.60s: %d, %d bytes: %.200s", path, res.status, len(res.body), res.body)
			}
		}
		res := api.do(t, "GET", "/api/v1/runs/"+url.PathEscape("run\u202e42"), nil, nil)
		if msg := res.apiError(t).Message; msg != `No CI run "run\u202e42" is recorded.` {
			t.Errorf("message %q", msg)
		}

		// A run recorded before such ids were refused stays readable.
		old := ledger.Build{NewBuild: newBuildFromAPI(apitypes.NewBuild{Project: "web", Image: webImage, Digest: "sha256:" + strings.Repeat("a1", 32),
			Tags: []string{"main"}, SizeBytes: 1, Platform: "linux/amd64", GitSha: "3f2c1ab", NxHash: "1", Outcome: "built",
			CiRunId: ptr("old\u202erun")}), RecordedAt: t0}
		if _, err := api.store.AddBuild(context.Background(), old); err != nil {
			t.Fatal(err)
		}
		if res := api.do(t, "GET", "/api/v1/runs/"+url.PathEscape("old\u202erun"), nil, nil); res.status != 200 {
			t.Errorf("older run: %d %s", res.status, res.body)
		}
	})
}
