package server

import (
	"net/url"
	"slices"
	"testing"
)

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
