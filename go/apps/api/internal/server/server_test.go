package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"slipway/apps/api/internal/apitypes"
	"slipway/apps/api/internal/ledger"
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

func (a *testAPI) mustPost(t *testing.T, b map[string]any) ledger.Build {
	t.Helper()
	res := a.post(t, encode(t, b))
	if res.status != http.StatusCreated {
		t.Fatalf("POST: %d %s", res.status, res.body)
	}
	var out ledger.Build
	res.json(t, &out)
	return out
}

func TestHealth(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		res := api.do(t, "GET", "/healthz", nil, nil)
		if res.status != 200 || string(res.body) != `{"status":"ok","version":"1.2.3"}`+"\n" {
			t.Fatalf("healthz: %d %s", res.status, res.body)
		}
		res = api.do(t, "GET", "/readyz", nil, nil)
		if res.status != 200 {
			t.Fatalf("readyz: %d %s", res.status, res.body)
		}
		api.store.Close()
		res = api.do(t, "GET", "/readyz", nil, nil)
		if res.status != http.StatusServiceUnavailable || res.apiError(t).Code != "unavailable" {
			t.Fatalf("readyz with closed store: %d %s", res.status, res.body)
		}
	})
}

func TestCreateBuildAuth(t *testing.T) {
	body := encode(t, validBuild("registry.example/ns/slipway-api"))
	tests := []struct {
		name        string
		tokens      []string
		auth        string
		wantStatus  int
		wantMessage string
	}{
		{name: "no header", tokens: []string{token}, auth: "", wantStatus: 401},
		{name: "wrong token", tokens: []string{token}, auth: "Bearer nope", wantStatus: 401},
		{name: "basic auth", tokens: []string{token}, auth: "Basic dGVzdDp0ZXN0", wantStatus: 401},
		{name: "second token", tokens: []string{"other", token}, auth: "Bearer " + token, wantStatus: 201},
		{name: "writes disabled", tokens: nil, auth: "Bearer " + token, wantStatus: 401, wantMessage: "API_WRITE_TOKENS"},
	}
	storetest.Each(t, func(t *testing.T, db storetest.Database) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				api := newTestAPI(t, storetest.Fresh(t, db.Name), tt.tokens, 65536)
				h := map[string]string{"Content-Type": "application/json"}
				if tt.auth != "" {
					h["Authorization"] = tt.auth
				}
				res := api.do(t, "POST", "/api/v1/builds", h, strings.NewReader(body))
				if res.status != tt.wantStatus {
					t.Fatalf("status %d, want %d: %s", res.status, tt.wantStatus, res.body)
				}
				if tt.wantStatus != 401 {
					return
				}
				if !strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Bearer") {
					t.Fatalf("WWW-Authenticate %q", res.header.Get("WWW-Authenticate"))
				}
				e := res.apiError(t)
				if e.Code != "unauthorized" || !strings.Contains(e.Message, tt.wantMessage) {
					t.Fatalf("error %+v", e)
				}
				// Nothing was recorded.
				images, _ := api.store.Images(context.Background(), ledger.ImageFilter{}, ledger.ImagePageRequest{Limit: 1})
				if len(images.Images) != 0 {
					t.Fatal("an unauthorized request recorded a build")
				}
			})
		}
	})
}

func TestCreateBuildRejects(t *testing.T) {
	eachAPI(t, []string{token}, 1024, func(t *testing.T, api *testAPI) {
		valid := validBuild("registry.example/ns/slipway-api")
		with := func(k string, v any) string {
			m := validBuild("registry.example/ns/slipway-api")
			m[k] = v
			return encode(t, m)
		}
		tests := []struct {
			name        string
			contentType string
			body        string
			chunked     bool
			wantStatus  int
			wantCode    string
			wantFields  []string
		}{
			{name: "no content type", contentType: "", body: encode(t, valid), wantStatus: 415, wantCode: "unsupported_media_type"},
			{name: "form content type", contentType: "application/x-www-form-urlencoded", body: encode(t, valid), wantStatus: 415, wantCode: "unsupported_media_type"},
			{name: "too large", contentType: "application/json", body: with("ciRunId", strings.Repeat("x", 2000)), wantStatus: 413, wantCode: "body_too_large"},
			{name: "too large chunked", contentType: "application/json", body: with("ciRunId", strings.Repeat("x", 2000)), chunked: true, wantStatus: 413, wantCode: "body_too_large"},
			{name: "malformed", contentType: "application/json", body: `{"project":`, wantStatus: 400, wantCode: "invalid_json"},
			{name: "not an object", contentType: "application/json", body: `"build"`, wantStatus: 400, wantCode: "invalid_json"},
			{name: "empty", contentType: "application/json", body: ``, wantStatus: 400, wantCode: "invalid_json"},
			{name: "unknown field", contentType: "application/json", body: with("branch", "main"), wantStatus: 400, wantCode: "invalid_json", wantFields: []string{"branch"}},
			{name: "server field id", contentType: "application/json", body: with("id", 5), wantStatus: 400, wantCode: "invalid_json", wantFields: []string{"id"}},
			{name: "server field recordedAt", contentType: "application/json", body: with("recordedAt", "2020-01-01T00:00:00Z"), wantStatus: 400, wantCode: "invalid_json", wantFields: []string{"recordedAt"}},
			{name: "wrong type", contentType: "application/json", body: with("sizeBytes", "12MB"), wantStatus: 400, wantCode: "invalid_json", wantFields: []string{"sizeBytes"}},
			{name: "fractional duration", contentType: "application/json", body: with("durationMs", 1.5), wantStatus: 400, wantCode: "invalid_json", wantFields: []string{"durationMs"}},
			{name: "bad digest", contentType: "application/json", body: with("digest", "sha256:abc"), wantStatus: 400, wantCode: "invalid_build", wantFields: []string{"digest"}},
			{name: "image with tag", contentType: "application/json", body: with("image", "registry.example/ns/app:latest"), wantStatus: 400, wantCode: "invalid_build", wantFields: []string{"image"}},
			{name: "bad outcome", contentType: "application/json", body: with("outcome", "skipped"), wantStatus: 400, wantCode: "invalid_build", wantFields: []string{"outcome"}},
			{name: "duplicate tag", contentType: "application/json", body: with("tags", []string{"a", "a"}), wantStatus: 400, wantCode: "invalid_build", wantFields: []string{"tags[1]"}},
			// encoding/json would store "evil" (the last key wins, matched
			// without case) where a JavaScript reader of the body sees "api".
			{name: "duplicate key", contentType: "application/json", body: `{"project":"evil",` + encode(t, valid)[1:], wantStatus: 400, wantCode: "invalid_json", wantFields: []string{"project"}},
			{name: "case variant key", contentType: "application/json", body: `{"PROJECT":"evil",` + encode(t, valid)[1:], wantStatus: 400, wantCode: "invalid_json", wantFields: []string{"PROJECT"}},
			{name: "empty object", contentType: "application/json", body: `{}`, wantStatus: 400, wantCode: "invalid_build",
				wantFields: []string{"project", "image", "digest", "tags", "sizeBytes", "platform", "gitSha", "nxHash", "outcome"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var body io.Reader = strings.NewReader(tt.body)
				if tt.chunked {
					body = io.MultiReader(body) // unknown length: sent chunked
				}
				h := map[string]string{"Authorization": "Bearer " + token}
				if tt.contentType != "" {
					h["Content-Type"] = tt.contentType
				}
				res := api.do(t, "POST", "/api/v1/builds", h, body)
				if res.status != tt.wantStatus {
					t.Fatalf("status %d, want %d: %s", res.status, tt.wantStatus, res.body)
				}
				e := res.apiError(t)
				if e.Code != tt.wantCode {
					t.Fatalf("code %q, want %q", e.Code, tt.wantCode)
				}
				var gotFields []string
				for k := range e.Fields {
					gotFields = append(gotFields, k)
				}
				slices.Sort(gotFields)
				want := slices.Clone(tt.wantFields)
				slices.Sort(want)
				if !slices.Equal(gotFields, want) {
					t.Fatalf("fields %v, want %v", e.Fields, want)
				}
			})
		}
		images, _ := api.store.Images(context.Background(), ledger.ImageFilter{}, ledger.ImagePageRequest{Limit: 1})
		if len(images.Images) != 0 {
			t.Fatal("a rejected request recorded a build")
		}
	})
}

func TestCreateBuildResponse(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		res := api.post(t, encode(t, validBuild("registry.example/ns/slipway-api")))
		if res.status != http.StatusCreated {
			t.Fatalf("%d %s", res.status, res.body)
		}
		want := `{"id":1,"project":"api","image":"registry.example/ns/slipway-api",` +
			`"digest":"sha256:` + strings.Repeat("a1", 32) + `","tags":["3f2c1ab","main"],"sizeBytes":12345678,` +
			`"platform":"linux/amd64","gitSha":"3f2c1ab","nxHash":"8412093740293847","outcome":"built",` +
			`"durationMs":1234,"ciRunId":"gh-42","recordedAt":"2025-06-01T12:00:00Z"}` + "\n"
		if string(res.body) != want {
			t.Fatalf("body\n got %s\nwant %s", res.body, want)
		}

		// ciRunId is optional and left out of the record when absent.
		b := validBuild("registry.example/ns/slipway-api")
		delete(b, "ciRunId")
		res = api.post(t, encode(t, b))
		if res.status != http.StatusCreated || strings.Contains(string(res.body), "ciRunId") {
			t.Fatalf("%d %s", res.status, res.body)
		}
		var got map[string]any
		res.json(t, &got)
		if got["id"] != float64(2) || got["recordedAt"] != "2025-06-01T12:00:01Z" {
			t.Fatalf("second record %v", got)
		}
	})
}

func TestListImagesAndBuilds(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {

		res := api.do(t, "GET", "/api/v1/images", nil, nil)
		if res.status != 200 || string(res.body) != `{"images":[],"nextCursor":null}`+"\n" {
			t.Fatalf("empty images: %d %s", res.status, res.body)
		}

		const apiImage = "registry.example/ns/slipway-api"
		const webImage = "localhost:5000/slipway/web"
		var apiBuilds []ledger.Build
		for i := range 5 {
			apiBuilds = append(apiBuilds, api.mustPost(t, validBuild(apiImage, fmt.Sprintf("v%d", i))))
		}
		web := validBuild(webImage)
		web["project"] = "web"
		webBuild := api.mustPost(t, web)

		// Images: newest latest build first.
		var images apitypes.ImageList
		res = api.do(t, "GET", "/api/v1/images", nil, nil)
		res.json(t, &images)
		if len(images.Images) != 2 {
			t.Fatalf("images %s", res.body)
		}
		if im := images.Images[0]; im.Image != webImage || im.Project != "web" || im.Builds != 1 || im.Latest.Id != webBuild.ID {
			t.Fatalf("first image %+v", im)
		}
		if im := images.Images[1]; im.Image != apiImage || im.Builds != 5 || im.Latest.Id != apiBuilds[4].ID ||
			!slices.Equal(im.Latest.Tags, []string{"v4"}) {
			t.Fatalf("second image %+v", im)
		}

		// Paging through the api image, two at a time, with the image name
		// escaped like encodeURIComponent does.
		var ids []int64
		cursor := ""
		for page := 0; ; page++ {
			path := "/api/v1/images/" + url.PathEscape(apiImage) + "/builds?limit=2"
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
			var body struct {
				Builds     []ledger.Build `json:"builds"`
				NextCursor *string        `json:"nextCursor"`
			}
			res.json(t, &body)
			for _, b := range body.Builds {
				if b.Image != apiImage {
					t.Fatalf("build of another image: %+v", b)
				}
				ids = append(ids, b.ID)
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
		res = api.do(t, "GET", "/api/v1/images/localhost%3A5000%2Fslipway%2Fweb/builds", nil, nil)
		var page apitypes.BuildPage
		res.json(t, &page)
		if res.status != 200 || len(page.Builds) != 1 || page.Builds[0].Id != webBuild.ID || page.NextCursor != nil {
			t.Fatalf("web builds: %d %s", res.status, res.body)
		}
		if !strings.Contains(string(res.body), `"nextCursor":null`) {
			t.Fatalf("nextCursor not null: %s", res.body)
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
			{name: "unknown route", method: "GET", path: "/api/v1/nothing", wantStatus: 404, wantCode: "not_found"},
			{name: "root", method: "GET", path: "/", wantStatus: 404, wantCode: "not_found"},
			{name: "wrong method on builds", method: "GET", path: "/api/v1/builds", wantStatus: 405, wantCode: "method_not_allowed"},
			{name: "wrong method on images", method: "DELETE", path: "/api/v1/images", wantStatus: 405, wantCode: "method_not_allowed"},
			{name: "post to image builds", method: "POST", path: base, wantStatus: 405, wantCode: "method_not_allowed"},
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
				if tt.wantStatus == 405 && res.header.Get("Allow") == "" {
					t.Fatal("405 without Allow header")
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

func TestRequestLogging(t *testing.T) {
	st, err := store.Open(context.Background(), store.Config{DataDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var buf bytes.Buffer
	log, _ := logging.New(&buf, "info")
	srv := New(st, log, httpx.NewTokenSet(token), Config{MaxBodyBytes: 1024})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/images/a%2Fb/builds", nil))
	var entry map[string]any
	if err := json.Unmarshal(buf.Bytes(), &entry); err != nil {
		t.Fatalf("%v: %s", err, buf.String())
	}
	if entry["msg"] != "request" || entry["route"] != "GET /api/v1/images/{image}/builds" || entry["status"] != float64(404) {
		t.Fatalf("log entry %v", entry)
	}
	// The version defaults to "dev".
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if !strings.Contains(rec.Body.String(), `"version":"dev"`) {
		t.Fatalf("healthz %s", rec.Body)
	}
}
