package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"slipway/apps/api/internal/apitypes"
)

func validRelease(version, digestByte string) map[string]any {
	return map[string]any{"project": "api", "image": "registry.example/ns/slipway-api",
		"digest": "sha256:" + strings.Repeat(digestByte, 64), "version": version, "tags": []string{version},
		"gitSha": "abc1234", "ciRunId": "gh-7"}
}

func (a *testAPI) postRelease(t *testing.T, tok, body string) response {
	t.Helper()
	h := map[string]string{"Content-Type": "application/json"}
	if tok != "" {
		h["Authorization"] = "Bearer " + tok
	}
	return a.do(t, http.MethodPost, "/api/v1/releases", h, strings.NewReader(body))
}

// TestCreateRelease: a release is recorded once per project and version;
// a repeat answers 200 with the stored record, another digest 409 naming
// it, and bad input 400 or 401, each storing nothing.
func TestCreateRelease(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		first := encode(t, validRelease("2612.02.abc1234", "a"))
		created := api.postRelease(t, token, first)
		if created.status != http.StatusCreated {
			t.Fatalf("first: %d %s", created.status, created.body)
		}
		rel := decodeContract[apitypes.Release](t, "POST /api/v1/releases", created.body)
		if rel.Id != 1 || rel.Version != "2612.02.abc1234" || rel.CiRunId == nil || !rel.RecordedAt.Equal(t0) {
			t.Fatalf("created %+v", rel)
		}
		tests := []struct {
			name   string
			tok    string
			body   string
			status int
			code   string
			field  string
		}{
			{"the same release again", token, first, 200, "", ""},
			{"another digest for the version", token, encode(t, validRelease("2612.02.abc1234", "b")), 409, "release_conflict", "digest"},
			{"a bad version", token, encode(t, validRelease("2612/02", "c")), 400, "invalid_release", "version"},
			{"a bad digest", token, strings.Replace(encode(t, validRelease("1.0.0", "c")), "sha256:", "md5:", 1), 400, "invalid_release", "digest"},
			{"an unknown property", token, strings.Replace(first, `{`, `{"branch":"main",`, 1), 400, "invalid_json", "branch"},
			{"no token", "", encode(t, validRelease("1.0.1", "c")), 401, "unauthorized", ""},
			{"a wrong token", "nope", encode(t, validRelease("1.0.2", "c")), 401, "unauthorized", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := api.postRelease(t, tt.tok, tt.body)
				if res.status != tt.status {
					t.Fatalf("%d %s, want %d", res.status, res.body, tt.status)
				}
				if tt.code == "" {
					if string(res.body) != string(created.body) {
						t.Fatalf("repeat answered %s, want the stored %s", res.body, created.body)
					}
					return
				}
				e := res.apiError(t)
				if e.Code != tt.code || (tt.field != "" && e.Fields[tt.field] == "") {
					t.Fatalf("%s, want %s naming %s", res.body, tt.code, tt.field)
				}
			})
		}
		all, err := api.store.Releases(context.Background(), "", 100)
		if err != nil || len(all) != 1 || all[0].Digest != rel.Digest {
			t.Fatalf("stored %+v, %v; want the first release alone", all, err)
		}
	})
}

// TestListReleases: newest first, of one project with ?project=, at most
// limit, and bad parameters are 400 invalid_query naming them.
func TestListReleases(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		get := func(path string) response { return api.do(t, http.MethodGet, path, nil, nil) }
		empty := decodeContract[apitypes.ReleaseList](t, "GET /api/v1/releases (empty)", get("/api/v1/releases").body)
		if empty.Releases == nil || len(empty.Releases) != 0 {
			t.Fatalf("empty list %+v", empty)
		}
		web := validRelease("1.0.0", "b")
		web["project"], web["image"] = "web", "registry.example/ns/slipway-web"
		delete(web, "ciRunId")
		for _, b := range []map[string]any{validRelease("1.0.0", "a"), web, validRelease("1.1.0", "a")} {
			if res := api.postRelease(t, token, encode(t, b)); res.status != 201 {
				t.Fatalf("%d %s", res.status, res.body)
			}
		}
		tests := []struct {
			path string
			want string // project@version, newest first
		}{
			{"/api/v1/releases", "api@1.1.0 web@1.0.0 api@1.0.0"},
			{"/api/v1/releases?project=api", "api@1.1.0 api@1.0.0"},
			{"/api/v1/releases?project=api&limit=1", "api@1.1.0"},
			{"/api/v1/releases?project=docs", ""},
		}
		for _, tt := range tests {
			res := get(tt.path)
			if res.status != 200 {
				t.Fatalf("%s: %d %s", tt.path, res.status, res.body)
			}
			list := decodeContract[apitypes.ReleaseList](t, "GET "+tt.path, res.body)
			var got []string
			for _, r := range list.Releases {
				got = append(got, r.Project+"@"+r.Version)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("%s: %v, want %s", tt.path, got, tt.want)
			}
		}
		for path, field := range map[string]string{
			"/api/v1/releases?limit=0":         "limit",
			"/api/v1/releases?limit=101":       "limit",
			"/api/v1/releases?project=-x":      "project",
			"/api/v1/releases?project=&limit=": "project",
		} {
			res := get(path)
			if res.status != 400 || res.apiError(t).Code != "invalid_query" || res.apiError(t).Fields[field] == "" {
				t.Errorf("%s: %d %s, want 400 invalid_query naming %s", path, res.status, res.body, field)
			}
		}
	})
}
