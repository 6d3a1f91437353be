package server

import (
	"net/http"
	"strings"
	"testing"

	"slipway/apps/api/internal/apitypes"
	"slipway/libs/testkit"
)

// TestIdempotencyKey: a POST whose 201 was lost is retried with the same
// Idempotency-Key and must answer with the first record, not store a
// second one.
func TestIdempotencyKey(t *testing.T) {
	const other = "other-write-token"
	eachAPI(t, []string{token, other}, 65536, func(t *testing.T, api *testAPI) {
		post := func(tok, key, body string) response {
			t.Helper()
			h := map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json"}
			if key != "" {
				h["Idempotency-Key"] = key
			}
			return api.do(t, http.MethodPost, "/api/v1/builds", h, strings.NewReader(body))
		}
		body := encode(t, ciBuild("web", webImage, "run1", "built", 1000, 0))
		first := post(token, "run1-web-digest", body)
		if first.status != http.StatusCreated || first.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first: %d %s", first.status, first.body)
		}
		// The retry: the same status and body, marked as a replay.
		retry := post(token, "run1-web-digest", body)
		if retry.status != http.StatusCreated || string(retry.body) != string(first.body) || retry.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry: %d %s %v\nfirst: %s", retry.status, retry.body, retry.header, first.body)
		}
		// The same build spaced otherwise is the same build.
		respaced := strings.ReplaceAll(body, ",", ", ")
		if res := post(token, "run1-web-digest", respaced); res.status != 201 || string(res.body) != string(first.body) {
			t.Fatalf("respaced retry: %d %s", res.status, res.body)
		}
		// Another build under the key.
		changed := encode(t, ciBuild("web", webImage, "run1", "reused", 1000, 0))
		res := post(token, "run1-web-digest", changed)
		if res.status != http.StatusUnprocessableEntity || res.apiError(t).Code != "idempotency_key_reused" ||
			!strings.Contains(res.apiError(t).Message, `"run1-web-digest"`) {
			t.Fatalf("another build under the key: %d %s", res.status, res.body)
		}
		// Another token's keys are its own.
		if res := post(other, "run1-web-digest", body); res.status != 201 || res.header.Get("Idempotent-Replayed") != "" || string(res.body) == string(first.body) {
			t.Fatalf("another token: %d %s", res.status, res.body)
		}
		// A refused build does not use up the key.
		if res := post(token, "fresh", `{}`); res.status != 400 {
			t.Fatalf("invalid build: %d %s", res.status, res.body)
		}
		if res := post(token, "fresh", changed); res.status != 201 || res.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("key after a refused build: %d %s", res.status, res.body)
		}
		// Without a key, every POST is a new record.
		a, b := post(token, "", body), post(token, "", body)
		if a.status != 201 || b.status != 201 || string(a.body) == string(b.body) {
			t.Fatalf("without a key: %d %s / %d %s", a.status, a.body, b.status, b.body)
		}

		var page apitypes.BuildPage
		api.do(t, "GET", "/api/v1/images/r.example%2Fns%2Fweb/builds?limit=100", nil, nil).json(t, &page)
		if len(page.Builds) != 5 {
			t.Fatalf("%d builds stored, want 5 (first, other token, fresh, two without key)", len(page.Builds))
		}
	})
}

func TestIdempotencyKeyRefused(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		body := encode(t, validBuild(webImage))
		for name, keys := range map[string][]string{
			"empty":       {""},
			"space":       {"a b"},
			"non-ASCII":   {"clé"},
			"tab":         {"a\tb"},
			"too long":    {strings.Repeat("k", 129)},
			"given twice": {"a", "b"},
		} {
			t.Run(name, func(t *testing.T) {
				req, err := http.NewRequest(http.MethodPost, api.URL+"/api/v1/builds", strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				req.Header["Idempotency-Key"] = keys
				resp, b := testkit.Do(t, api.Client(), req)
				out := response{status: resp.StatusCode, header: resp.Header, body: b}
				if out.status != 400 || out.apiError(t).Code != "invalid_idempotency_key" || out.apiError(t).Fields["Idempotency-Key"] == "" {
					t.Fatalf("%q: %d %s", keys, out.status, out.body)
				}
			})
		}
		if res := api.do(t, "GET", "/api/v1/runs", nil, nil); !strings.Contains(string(res.body), `"runs":[]`) {
			t.Fatalf("a refused request stored a build: %s", res.body)
		}
	})
}
