package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"slipway/apps/api/internal/apitypes"
)

func TestImageBuildsPaging(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		webBuild := postAPIThenWeb(t, api)[5]

		// Paging through the api image, two at a time, with the image name
		// escaped like encodeURIComponent does.
		var ids []int64
		cursor := ""
		for page := 0; ; page++ {
			path := "/api/v1/images/" + url.PathEscape(slipwayAPIImage) + "/builds?limit=2"
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			res := api.do(t, "GET", path, nil, nil)
			if res.status != 200 {
				t.Fatalf("page %d: %d %s", page, res.status, res.body)
			}
			var raw map[string]json.RawMessage
			res.json(t, &raw)
			if _, ok := raw["nextCursor"]; !ok {
				t.Fatalf("nextCursor missing: %s", res.body)
			}
			var body apitypes.BuildPage
			res.json(t, &body)
			for _, b := range body.Builds {
				if b.Image != slipwayAPIImage {
					t.Fatalf("build of another image: %+v", b)
				}
				ids = append(ids, b.Id)
			}
			if body.NextCursor == nil {
				if page != 2 || len(body.Builds) != 1 {
					t.Fatalf("last page %d has %d builds", page, len(body.Builds))
				}
				break
			}
			if len(body.Builds) != 2 {
				t.Fatalf("page %d has %d builds", page, len(body.Builds))
			}
			cursor = *body.NextCursor
		}
		if want := []int64{5, 4, 3, 2, 1}; !slices.Equal(ids, want) {
			t.Fatalf("ids %v, want %v", ids, want)
		}

		// Default limit, and encodeURIComponent's escaping of ':' too.
		res := api.do(t, "GET", "/api/v1/images/localhost%3A5000%2Fslipway%2Fweb/builds", nil, nil)
		var page apitypes.BuildPage
		res.json(t, &page)
		if res.status != 200 || len(page.Builds) != 1 || page.Builds[0].Id != webBuild.Id || page.NextCursor != nil {
			t.Fatalf("web builds: %d %s", res.status, res.body)
		}
		if !strings.Contains(string(res.body), `"nextCursor":null`) {
			t.Fatalf("nextCursor not null: %s", res.body)
		}
	})
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

func TestListBuildsErrors(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		api.mustPost(t, validBuild("registry.example/ns/app"))
		base := "/api/v1/images/" + url.PathEscape("registry.example/ns/app") + "/builds"
		tests := []struct {
			name       string
			method     string
			path       string
			wantStatus int
			wantCode   string
			wantField  string
		}{
			{name: "ok", method: "GET", path: base + "?limit=100", wantStatus: 200},
			{name: "limit zero", method: "GET", path: base + "?limit=0", wantStatus: 400, wantCode: "invalid_query", wantField: "limit"},
			{name: "limit too big", method: "GET", path: base + "?limit=101", wantStatus: 400, wantCode: "invalid_query", wantField: "limit"},
			{name: "limit not a number", method: "GET", path: base + "?limit=ten", wantStatus: 400, wantCode: "invalid_query", wantField: "limit"},
			{name: "bad cursor", method: "GET", path: base + "?cursor=bogus", wantStatus: 400, wantCode: "invalid_query", wantField: "cursor"},
			{name: "unknown image", method: "GET", path: "/api/v1/images/" + url.PathEscape("registry.example/ns/nope") + "/builds", wantStatus: 404, wantCode: "not_found"},
			{name: "invalid image name", method: "GET", path: "/api/v1/images/NOT%20AN%20IMAGE/builds", wantStatus: 404, wantCode: "not_found"},
			{name: "unescaped slashes", method: "GET", path: "/api/v1/images/registry.example/ns/app/builds", wantStatus: 404, wantCode: "not_found"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := api.do(t, tt.method, tt.path, nil, nil)
				if res.status != tt.wantStatus {
					t.Fatalf("status %d, want %d: %s", res.status, tt.wantStatus, res.body)
				}
				if tt.wantCode == "" {
					return
				}
				e := res.apiError(t)
				if e.Code != tt.wantCode {
					t.Fatalf("code %q, want %q", e.Code, tt.wantCode)
				}
				if tt.wantField != "" && e.Fields[tt.wantField] == "" {
					t.Fatalf("fields %v lack %q", e.Fields, tt.wantField)
				}
			})
		}
	})
}

// TestPathValueDecoding pins down the ServeMux behaviour the builds route
// relies on: an escaped slash stays inside one segment and is decoded.
func TestPathValueDecoding(t *testing.T) {
	mux := http.NewServeMux()
	var got string
	mux.HandleFunc("GET /images/{image}/builds", func(w http.ResponseWriter, r *http.Request) { got = r.PathValue("image") })
	for raw, want := range map[string]string{
		"/images/registry.example%2Fns%2Fslipway-api/builds": "registry.example/ns/slipway-api",
		"/images/localhost%3A5000%2Fa/builds":                "localhost:5000/a",
		"/images/plain/builds":                               "plain",
	} {
		got = ""
		req := httptest.NewRequest("GET", raw, nil)
		mux.ServeHTTP(httptest.NewRecorder(), req)
		if got != want {
			t.Errorf("%s: PathValue = %q, want %q", raw, got, want)
		}
	}
}
