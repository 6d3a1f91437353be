package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"slipway/apps/api/internal/apitypes"
)

// badRequest is one row of TestBadInput: a request the API must refuse.
type badRequest struct {
	name    string
	method  string
	path    string
	header  map[string]string // nil: a JSON POST with the write token
	body    string
	chunked bool // send the body without a Content-Length
	status  int
	code    string
	field   string // a key the error's fields must hold, when set
}

// TestBadInput sends every kind of bad request an adversarial client came
// up with, against a ledger that already holds builds: each must get the
// right status and error body, and leave the ledger exactly as it was.
func TestBadInput(t *testing.T) {
	const maxBody = 4096
	eachAPI(t, []string{token}, maxBody, func(t *testing.T, api *testAPI) {
		seedLedger(t, api)
		keyed := encode(t, ciBuild("web", webImage, "run9", "built", 1000, 0))
		if res := post(t, api, map[string]string{"Idempotency-Key": "seeded"}, keyed); res.status != 201 {
			t.Fatalf("seed with a key: %d %s", res.status, res.body)
		}
		before := snapshot(t, api)

		valid := func(change func(b map[string]any)) string {
			b := ciBuild("web", webImage, "run9", "built", 1000, 0)
			if change != nil {
				change(b)
			}
			return encode(t, b)
		}
		// splice puts a property into a valid body as raw JSON text.
		splice := func(raw string) string { return "{" + raw + "," + valid(nil)[1:] }
		builds := "/api/v1/images/" + url.PathEscape(webImage) + "/builds"
		imagesCursor := pageNext(t, api, "/api/v1/images?limit=1")
		runsCursor := pageNext(t, api, "/api/v1/runs?limit=1")
		buildsCursor := pageNext(t, api, builds+"?limit=1")
		long := strings.Repeat("x", 10_000)
		jsonPost := func(extra map[string]string) map[string]string {
			h := map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}
			for k, v := range extra {
				h[k] = v
			}
			return h
		}
		rows := []badRequest{
			// Authentication.
			{name: "no token", header: map[string]string{"Content-Type": "application/json"}, body: valid(nil), status: 401, code: "unauthorized"},
			{name: "wrong token", header: map[string]string{"Authorization": "Bearer nope", "Content-Type": "application/json"}, body: valid(nil), status: 401, code: "unauthorized"},
			{name: "token of another scheme", header: map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(token)), "Content-Type": "application/json"}, body: valid(nil), status: 401, code: "unauthorized"},
			{name: "empty bearer", header: map[string]string{"Authorization": "Bearer ", "Content-Type": "application/json"}, body: valid(nil), status: 401, code: "unauthorized"},
			{name: "token with a suffix", header: map[string]string{"Authorization": "Bearer " + token + "x", "Content-Type": "application/json"}, body: valid(nil), status: 401, code: "unauthorized"},
			{name: "token in the query", method: "POST", path: "/api/v1/builds?access_token=" + token, header: map[string]string{"Content-Type": "application/json"}, body: valid(nil), status: 401, code: "unauthorized"},
			// Methods and routes.
			{name: "PUT builds", method: "PUT", path: "/api/v1/builds", status: 405, code: "method_not_allowed"},
			{name: "DELETE images", method: "DELETE", path: "/api/v1/images", status: 405, code: "method_not_allowed"},
			{name: "POST runs", method: "POST", path: "/api/v1/runs", status: 405, code: "method_not_allowed"},
			{name: "PATCH a build", method: "PATCH", path: "/api/v1/builds/1", status: 404, code: "not_found"},
			{name: "path traversal", method: "GET", path: "/api/v1/images/..%2F..%2Fetc%2Fpasswd/builds", status: 404, code: "not_found"},
			{name: "unescaped image path", method: "GET", path: "/api/v1/images/r.example/ns/web/builds", status: 404, code: "not_found"},
			// Content types.
			{name: "no content type", header: map[string]string{"Authorization": "Bearer " + token}, body: valid(nil), status: 415, code: "unsupported_media_type"},
			{name: "text/plain", header: jsonPost(map[string]string{"Content-Type": "text/plain"}), body: valid(nil), status: 415, code: "unsupported_media_type"},
			{name: "form", header: jsonPost(map[string]string{"Content-Type": "application/x-www-form-urlencoded"}), body: "project=api", status: 415, code: "unsupported_media_type"},
			{name: "multipart", header: jsonPost(map[string]string{"Content-Type": "multipart/form-data; boundary=x"}), body: valid(nil), status: 415, code: "unsupported_media_type"},
			{name: "json lookalike", header: jsonPost(map[string]string{"Content-Type": "application/jsonx"}), body: valid(nil), status: 415, code: "unsupported_media_type"},
			// Sizes.
			{name: "body over the limit", body: valid(func(b map[string]any) { b["nxHash"] = strings.Repeat("a", maxBody) }), status: 413, code: "body_too_large"},
			{name: "chunked body over the limit", body: valid(func(b map[string]any) { b["nxHash"] = strings.Repeat("a", maxBody) }), chunked: true, status: 413, code: "body_too_large"},
			{name: "long run id", method: "GET", path: "/api/v1/runs/" + long, status: 404, code: "not_found"},
			{name: "long image name", method: "GET", path: "/api/v1/images/" + long + "/sizes", status: 404, code: "not_found"},
			{name: "long unknown field", body: splice(`"` + strings.Repeat("k", 3000) + `":1`), status: 400, code: "invalid_json"},
			// JSON shapes.
			{name: "empty body", body: "", status: 400, code: "invalid_json"},
			{name: "malformed", body: `{"project":`, status: 400, code: "invalid_json"},
			{name: "array", body: "[" + valid(nil) + "]", status: 400, code: "invalid_json"},
			{name: "two objects", body: valid(nil) + valid(nil), status: 400, code: "invalid_json"},
			{name: "null", body: "null", status: 400, code: "invalid_build"},
			{name: "unknown field", body: splice(`"branch":"main"`), status: 400, code: "invalid_json", field: "branch"},
			{name: "server-assigned id", body: splice(`"id":1`), status: 400, code: "invalid_json", field: "id"},
			{name: "duplicate key", body: splice(`"project":"evil"`), status: 400, code: "invalid_json", field: "project"},
			{name: "case-variant key", body: splice(`"Project":"evil"`), status: 400, code: "invalid_json", field: "Project"},
			{name: "string for a number", body: valid(func(b map[string]any) { b["sizeBytes"] = "12MB" }), status: 400, code: "invalid_json", field: "sizeBytes"},
			{name: "number beyond int64", body: strings.Replace(valid(nil), `"durationMs":1234`, `"durationMs":1e30`, 1), status: 400, code: "invalid_json", field: "durationMs"},
			{name: "deep nesting", body: strings.Repeat("[", 2000) + strings.Repeat("]", 2000), status: 400, code: "invalid_json"},
			{name: "invalid UTF-8 in a string", body: strings.Replace(valid(nil), `"run9"`, "\"run\xff9\"", 1), status: 400, code: "invalid_build", field: "ciRunId"},
			// Limits of the build record.
			{name: "duration of 2^63-1", body: strings.Replace(valid(nil), `"durationMs":1234`, `"durationMs":9223372036854775807`, 1), status: 400, code: "invalid_build", field: "durationMs"},
			{name: "size of 2^53", body: strings.Replace(valid(nil), `"sizeBytes":1000`, `"sizeBytes":9007199254740992`, 1), status: 400, code: "invalid_build", field: "sizeBytes"},
			{name: "33 tags", body: valid(func(b map[string]any) { b["tags"] = manyTags(33) }), status: 400, code: "invalid_build", field: "tags"},
			{name: "right-to-left override in ciRunId", body: valid(func(b map[string]any) { b["ciRunId"] = "run\u202e9" }), status: 400, code: "invalid_build", field: "ciRunId"},
			{name: "zero-width space in ciRunId", body: valid(func(b map[string]any) { b["ciRunId"] = "run\u200b9" }), status: 400, code: "invalid_build", field: "ciRunId"},
			{name: "ciRunId of 129 characters", body: valid(func(b map[string]any) { b["ciRunId"] = strings.Repeat("r", 129) }), status: 400, code: "invalid_build", field: "ciRunId"},
			{name: "image with a tag", body: valid(func(b map[string]any) { b["image"] = webImage + ":latest" }), status: 400, code: "invalid_build", field: "image"},
			{name: "SBOM tag for its digest", body: valid(func(b map[string]any) { b["sbomDigest"] = "sha256-" + strings.Repeat("ab", 32) + ".sbom" }), status: 400, code: "invalid_build", field: "sbomDigest"},
			{name: "sbomPackages negative", body: valid(func(b map[string]any) { b["sbomPackages"] = -1 }), status: 400, code: "invalid_build", field: "sbomPackages"},
			{name: "sbomPackages a fraction", body: valid(func(b map[string]any) { b["sbomPackages"] = 1.5 }), status: 400, code: "invalid_json", field: "sbomPackages"},
			{name: "signed as a string", body: valid(func(b map[string]any) { b["signed"] = "true" }), status: 400, code: "invalid_json", field: "signed"},
			{name: "signed as a number", body: valid(func(b map[string]any) { b["signed"] = 1 }), status: 400, code: "invalid_json", field: "signed"},
			// Query limits.
			{name: "images limit 0", method: "GET", path: "/api/v1/images?limit=0", status: 400, code: "invalid_query", field: "limit"},
			{name: "images limit 1000", method: "GET", path: "/api/v1/images?limit=1000", status: 400, code: "invalid_query", field: "limit"},
			{name: "builds limit negative", method: "GET", path: builds + "?limit=-1", status: 400, code: "invalid_query", field: "limit"},
			{name: "sizes limit 1001", method: "GET", path: "/api/v1/images/" + url.PathEscape(webImage) + "/sizes?limit=1001", status: 400, code: "invalid_query", field: "limit"},
			{name: "runs limit not a number", method: "GET", path: "/api/v1/runs?limit=ten", status: 400, code: "invalid_query", field: "limit"},
			{name: "project not a name", method: "GET", path: "/api/v1/images?project=" + url.QueryEscape("a b"), status: 400, code: "invalid_query", field: "project"},
			// Cursors.
			{name: "images cursor garbage", method: "GET", path: "/api/v1/images?cursor=%25%25", status: 400, code: "invalid_query", field: "cursor"},
			{name: "runs cursor on images", method: "GET", path: "/api/v1/images?cursor=" + url.QueryEscape(runsCursor), status: 400, code: "invalid_query", field: "cursor"},
			{name: "images cursor on runs", method: "GET", path: "/api/v1/runs?cursor=" + url.QueryEscape(imagesCursor), status: 400, code: "invalid_query", field: "cursor"},
			{name: "images cursor on builds", method: "GET", path: builds + "?cursor=" + url.QueryEscape(imagesCursor), status: 400, code: "invalid_query", field: "cursor"},
			{name: "cursor with a line break", method: "GET", path: builds + "?cursor=" + url.QueryEscape(buildsCursor+"\n"), status: 400, code: "invalid_query", field: "cursor"},
			{name: "forged cursor", method: "GET", path: "/api/v1/images?cursor=" + base64.RawURLEncoding.EncodeToString([]byte("i1:1:0")), status: 400, code: "invalid_query", field: "cursor"},
			{name: "huge cursor", method: "GET", path: "/api/v1/runs?cursor=" + long, status: 400, code: "invalid_query", field: "cursor"},
			// Headers.
			{name: "Idempotency-Key with a space", header: jsonPost(map[string]string{"Idempotency-Key": "a b"}), body: valid(nil), status: 400, code: "invalid_idempotency_key", field: "Idempotency-Key"},
			{name: "Idempotency-Key too long", header: jsonPost(map[string]string{"Idempotency-Key": strings.Repeat("k", 129)}), body: valid(nil), status: 400, code: "invalid_idempotency_key", field: "Idempotency-Key"},
			{name: "Idempotency-Key reused for another build", header: jsonPost(map[string]string{"Idempotency-Key": "seeded"}), body: valid(func(b map[string]any) { b["outcome"] = "reused" }), status: 422, code: "idempotency_key_reused"},
		}
		kinds := map[string]bool{}
		for _, row := range rows {
			kinds[row.code] = true
		}
		if len(rows) < 20 || len(kinds) < 8 {
			t.Fatalf("%d rows of %d codes: the table lost its breadth", len(rows), len(kinds))
		}
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				res := send(t, api, row)
				if res.status != row.status {
					t.Fatalf("status %d, want %d: %.300s", res.status, row.status, res.body)
				}
				e := res.apiError(t)
				if e.Code != row.code {
					t.Fatalf("code %q, want %q: %s", e.Code, row.code, e.Message)
				}
				if row.field != "" && e.Fields[row.field] == "" {
					t.Fatalf("fields %v lack %q", e.Fields, row.field)
				}
				if len(res.body) > 1024 {
					t.Fatalf("an error of %d bytes repeats the input: %.200s...", len(res.body), res.body)
				}
				if row.status == 405 && res.header.Get("Allow") == "" {
					t.Fatal("405 without Allow")
				}
				if row.status == 401 && !strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Bearer") {
					t.Fatalf("401 with WWW-Authenticate %q", res.header.Get("WWW-Authenticate"))
				}
				if after := snapshot(t, api); after != before {
					t.Fatalf("the ledger changed:\nbefore %s\nafter  %s", before, after)
				}
			})
		}
		// The API still records what is right, and the database is sound.
		if res := post(t, api, nil, valid(nil)); res.status != 201 {
			t.Fatalf("a valid build after the table: %d %s", res.status, res.body)
		}
		if snapshot(t, api) == before {
			t.Fatal("the snapshot does not see a new build: it cannot tell that nothing changed")
		}
		if checked, err := api.store.Check(context.Background()); err != nil {
			t.Fatalf("check (%v): %v", checked, err)
		}
	})
}

func manyTags(n int) []string {
	tags := make([]string, n)
	for i := range tags {
		tags[i] = fmt.Sprintf("t%d", i)
	}
	return tags
}

// send sends row's request.
func send(t *testing.T, api *testAPI, row badRequest) response {
	t.Helper()
	method, path, header := row.method, row.path, row.header
	if method == "" {
		method = http.MethodPost
	}
	if path == "" {
		path = "/api/v1/builds"
	}
	if header == nil && method == http.MethodPost {
		header = map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}
	}
	var body io.Reader
	if row.body != "" || method == http.MethodPost {
		body = strings.NewReader(row.body)
		if row.chunked {
			body = io.MultiReader(body) // unknown length: sent chunked
		}
	}
	return api.do(t, method, path, header, body)
}

// post sends a JSON POST of a build with the write token and extra headers.
func post(t *testing.T, api *testAPI, extra map[string]string, body string) response {
	t.Helper()
	h := map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}
	for k, v := range extra {
		h[k] = v
	}
	return api.do(t, http.MethodPost, "/api/v1/builds", h, strings.NewReader(body))
}

// pageNext returns the nextCursor of path's answer.
func pageNext(t *testing.T, api *testAPI, path string) string {
	t.Helper()
	var page struct {
		NextCursor *string `json:"nextCursor"`
	}
	api.do(t, "GET", path, nil, nil).json(t, &page)
	if page.NextCursor == nil {
		t.Fatalf("%s: no next page", path)
	}
	return *page.NextCursor
}

// snapshot is everything the ledger shows: every image of the overview,
// every run, and every build of every image (each list fits in a page).
func snapshot(t *testing.T, api *testAPI) string {
	t.Helper()
	var b strings.Builder
	get := func(path string) []byte {
		res := api.do(t, "GET", path, nil, nil)
		if res.status != 200 {
			t.Fatalf("snapshot %s: %d %s", path, res.status, res.body)
		}
		b.Write(res.body)
		return res.body
	}
	var images apitypes.ImageList
	if err := json.Unmarshal(get("/api/v1/images?limit=100"), &images); err != nil {
		t.Fatal(err)
	}
	get("/api/v1/runs?limit=100")
	for _, im := range images.Images {
		get("/api/v1/images/" + url.PathEscape(im.Image) + "/builds?limit=100")
	}
	return b.String()
}
