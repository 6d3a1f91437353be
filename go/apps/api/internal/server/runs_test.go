package server

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"slipway/apps/api/internal/apitypes"
	"slipway/apps/api/internal/ledger"
)

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

// TestRunRecordedBeforeTheTextRule: a run recorded before ids that hide
// text were refused stays readable.
func TestRunRecordedBeforeTheTextRule(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
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
