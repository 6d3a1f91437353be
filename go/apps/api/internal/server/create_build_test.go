package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"slipway/apps/api/internal/apitypes"
	"slipway/apps/api/internal/ledger"
	"slipway/apps/api/internal/store/storetest"
)

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

// TestCreateBuildSupplyChain: the SBOM digest, package count and signature
// are stored and returned where given, left out where not (older clients),
// and bad ones are refused naming the field, storing nothing.
func TestCreateBuildSupplyChain(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		sbom := "sha256:" + strings.Repeat("cd", 32)
		with := func(change map[string]any) string { return encode(t, validBuildWith(webImage, change)) }
		tests := []struct {
			name   string
			body   string
			status int
			field  string // the refused property
			stored string // what the response holds of the three, "" if none
		}{
			{"signed", with(map[string]any{"sbomDigest": sbom, "sbomPackages": 87, "signed": true}), 201, "",
				`"sbomDigest":"` + sbom + `","sbomPackages":87,"signed":true`},
			{"unsigned, empty SBOM", with(map[string]any{"sbomDigest": sbom, "sbomPackages": 0, "signed": false}), 201, "",
				`"sbomDigest":"` + sbom + `","sbomPackages":0,"signed":false`},
			{"absent", with(nil), 201, "", ""},
			{"null", with(map[string]any{"sbomDigest": nil, "sbomPackages": nil, "signed": nil}), 201, "", ""},
			{"digest of the wrong algorithm", with(map[string]any{"sbomDigest": "sha512:" + strings.Repeat("cd", 64)}), 400, "sbomDigest", ""},
			{"empty digest", with(map[string]any{"sbomDigest": ""}), 400, "sbomDigest", ""},
			{"negative packages", with(map[string]any{"sbomPackages": -3}), 400, "sbomPackages", ""},
			{"packages as text", with(map[string]any{"sbomPackages": "87"}), 400, "sbomPackages", ""},
			{"signed as text", with(map[string]any{"signed": "yes"}), 400, "signed", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := api.post(t, tt.body)
				if res.status != tt.status {
					t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
				}
				if tt.field != "" {
					if e := res.apiError(t); e.Fields[tt.field] == "" {
						t.Fatalf("error %+v does not name %s", e, tt.field)
					}
					return
				}
				body := string(res.body)
				for _, k := range []string{`"sbomDigest"`, `"sbomPackages"`, `"signed"`} {
					if strings.Contains(body, k) != (tt.stored != "") {
						t.Fatalf("body %s, want %s only in %q", body, k, tt.stored)
					}
				}
				if !strings.Contains(body, tt.stored) {
					t.Fatalf("body %s, want %s", body, tt.stored)
				}
			})
		}
		// The image page reads them back, newest first; the overview's latest build carries them.
		var page apitypes.BuildPage
		api.do(t, "GET", "/api/v1/images/"+url.PathEscape(webImage)+"/builds", nil, nil).json(t, &page)
		if len(page.Builds) != 4 {
			t.Fatalf("%d builds stored, want 4 (refused ones store nothing)", len(page.Builds))
		}
		if b := page.Builds[3]; b.Signed == nil || !*b.Signed || b.SbomPackages == nil || *b.SbomPackages != 87 || b.SbomDigest == nil || *b.SbomDigest != sbom {
			t.Fatalf("oldest build %+v, want the signed one", b)
		}
		latest := api.mustPost(t, validBuildWith(webImage, map[string]any{"sbomDigest": sbom, "sbomPackages": 12, "signed": true}))
		var list apitypes.ImageList
		api.do(t, "GET", "/api/v1/images", nil, nil).json(t, &list)
		if len(list.Images) != 1 || list.Images[0].Latest.Id != latest.Id || list.Images[0].Latest.SbomPackages == nil || *list.Images[0].Latest.SbomPackages != 12 {
			t.Fatalf("overview %+v, want the latest build with its 12 packages", list.Images)
		}
	})
}

// validBuildWith is validBuild(image) with the properties of change.
func validBuildWith(image string, change map[string]any) map[string]any {
	b := validBuild(image)
	for k, v := range change {
		b[k] = v
	}
	return b
}

// TestCreateBuildRefusesHiddenText: the dashboard shows ciRunId, so text
// that reorders or hides itself is refused.
func TestCreateBuildRefusesHiddenText(t *testing.T) {
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
	})
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
