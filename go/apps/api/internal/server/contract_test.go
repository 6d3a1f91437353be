package server

// Tests that hold the server to the API contract (libs/api-contract/openapi.yaml)
// through the types generated from it (package apitypes): real responses must
// decode into the generated types with every required property present and
// no unknown ones, the conversions must carry every generated field, and the
// ledger validator must agree with the schema's rules on shared cases.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"slipway/apps/api/internal/apitypes"
	"slipway/apps/api/internal/ledger"
)

// conforms checks that raw is a JSON value of the generated type typ, more
// strictly than encoding/json does: every property of a struct whose json
// tag lacks omitempty (a required property in the schema) must be present,
// non-pointer values must not be null, and no unknown properties may appear.
// It returns one message per problem, each prefixed with a JSON path.
func conforms(path string, raw json.RawMessage, typ reflect.Type) []string {
	isNull := bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
	if typ.Kind() == reflect.Pointer {
		if isNull {
			return nil // nullable (or optional and sent as null)
		}
		return conforms(path, raw, typ.Elem())
	}
	if isNull {
		return []string{path + ": is null, but " + typ.String() + " is not nullable"}
	}
	if typ == reflect.TypeFor[time.Time]() {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return []string{path + ": not a string"}
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return []string{path + ": not an RFC 3339 date-time: " + s}
		}
		return nil
	}
	switch typ.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return []string{path + ": not an object"}
		}
		var problems []string
		known := map[string]bool{}
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			known[name] = true
			v, ok := obj[name]
			if !ok {
				if !strings.Contains(opts, "omitempty") {
					problems = append(problems, path+"."+name+": required property missing")
				}
				continue
			}
			problems = append(problems, conforms(path+"."+name, v, f.Type)...)
		}
		for name := range obj {
			if !known[name] {
				problems = append(problems, path+"."+name+": not in the contract")
			}
		}
		return problems
	case reflect.Slice:
		var arr []json.RawMessage
		if err := json.Unmarshal(raw, &arr); err != nil {
			return []string{path + ": not an array"}
		}
		var problems []string
		for i, v := range arr {
			problems = append(problems, conforms(fmt.Sprintf("%s[%d]", path, i), v, typ.Elem())...)
		}
		return problems
	case reflect.Map:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return []string{path + ": not an object"}
		}
		var problems []string
		for k, v := range obj {
			problems = append(problems, conforms(path+"."+k, v, typ.Elem())...)
		}
		return problems
	default:
		// Scalars: encoding/json checks the JSON type (and integers).
		if err := json.Unmarshal(raw, reflect.New(typ).Interface()); err != nil {
			return []string{fmt.Sprintf("%s: %v", path, err)}
		}
		return nil
	}
}

// decodeContract decodes body into a T strictly (no unknown properties) and
// checks it with conforms.
func decodeContract[T any](t *testing.T, what string, body []byte) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: does not decode into %T: %v\n%s", what, v, err, body)
	}
	if problems := conforms("$", body, reflect.TypeFor[T]()); len(problems) > 0 {
		slices.Sort(problems)
		t.Fatalf("%s: does not conform to %T:\n  %s\n%s", what, v, strings.Join(problems, "\n  "), body)
	}
	return v
}

func TestConformsCatchesDrift(t *testing.T) {
	type inner struct {
		A string  `json:"a"`
		B *string `json:"b,omitempty"`
		C *string `json:"c"`
	}
	type outer struct {
		Items []inner `json:"items"`
	}
	typ := reflect.TypeFor[outer]()
	for body, want := range map[string]string{
		`{"items":[{"a":"x","c":null}]}`:                "",
		`{"items":[{"a":"x","b":"y","c":"z"}]}`:         "",
		`{"items":[{"c":null}]}`:                        "$.items[0].a: required property missing",
		`{"items":[{"a":"x"}]}`:                         "$.items[0].c: required property missing",
		`{"items":[{"a":null,"c":null}]}`:               "$.items[0].a: is null",
		`{"items":null}`:                                "$.items: is null",
		`{"items":[{"a":"x","c":null,"d":1}]}`:          "$.items[0].d: not in the contract",
		`{"items":[{"a":1,"c":null}]}`:                  "$.items[0].a: json: cannot unmarshal number",
		`{"items":[{"a":"x","c":null}],"extra":true}`:   "$.extra: not in the contract",
		`{"items":[{"a":"x","b":null,"c":null}],"x":1}`: "$.x: not in the contract",
	} {
		got := strings.Join(conforms("$", json.RawMessage(body), typ), "; ")
		if (want == "") != (got == "") || !strings.HasPrefix(got, want) {
			t.Errorf("%s: got %q, want %q", body, got, want)
		}
	}
}

// TestResponsesConformToContract sends real requests to every operation and
// decodes each answer, success or error, into the generated type the
// contract names for it.
func TestResponsesConformToContract(t *testing.T) {
	eachAPI(t, []string{token}, 1024, func(t *testing.T, api *testAPI) {
		get := func(path string) response { return api.do(t, http.MethodGet, path, nil, nil) }
		expect := func(res response, status int) response {
			t.Helper()
			if res.status != status {
				t.Fatalf("status %d, want %d: %s", res.status, status, res.body)
			}
			return res
		}

		health := decodeContract[apitypes.Health](t, "GET /healthz", expect(get("/healthz"), 200).body)
		if health.Status != apitypes.HealthStatusOk || health.Version != "1.2.3" {
			t.Fatalf("health %+v", health)
		}
		decodeContract[apitypes.Readiness](t, "GET /readyz", expect(get("/readyz"), 200).body)
		decodeContract[apitypes.ImageList](t, "GET /api/v1/images (empty)", expect(get("/api/v1/images"), 200).body)

		// POST: one build with every property, one without the optional ciRunId.
		full := decodeContract[apitypes.Build](t, "POST /api/v1/builds",
			expect(api.post(t, encode(t, validBuild("registry.example/ns/app", "v1"))), 201).body)
		if full.CiRunId == nil || *full.CiRunId != "gh-42" || !full.Outcome.Valid() || full.Id != 1 {
			t.Fatalf("created %+v", full)
		}
		minimal := validBuild("registry.example/ns/app", "v2")
		delete(minimal, "ciRunId")
		created := decodeContract[apitypes.Build](t, "POST /api/v1/builds without ciRunId",
			expect(api.post(t, encode(t, minimal)), 201).body)
		if created.CiRunId != nil {
			t.Fatalf("ciRunId %q, want it left out", *created.CiRunId)
		}
		// The request body itself, as CI sends it, is a contract NewBuild.
		decodeContract[apitypes.NewBuild](t, "request body", []byte(encode(t, validBuild("registry.example/ns/app"))))

		images := decodeContract[apitypes.ImageList](t, "GET /api/v1/images",
			expect(get("/api/v1/images"), 200).body)
		if len(images.Images) != 1 || images.Images[0].Builds != 2 || images.Images[0].Latest.Id != created.Id {
			t.Fatalf("images %+v", images)
		}

		base := "/api/v1/images/" + url.PathEscape("registry.example/ns/app") + "/builds"
		first := decodeContract[apitypes.BuildPage](t, "GET builds, first page", expect(get(base+"?limit=1"), 200).body)
		if len(first.Builds) != 1 || first.NextCursor == nil {
			t.Fatalf("first page %+v", first)
		}
		last := decodeContract[apitypes.BuildPage](t, "GET builds, last page",
			expect(get(base+"?limit=1&cursor="+url.QueryEscape(*first.NextCursor)), 200).body)
		if len(last.Builds) != 1 || last.NextCursor != nil {
			t.Fatalf("last page %+v", last)
		}

		filtered := decodeContract[apitypes.ImageList](t, "GET /api/v1/images?project=api",
			expect(get("/api/v1/images?project=api"), 200).body)
		if len(filtered.Images) != 1 || filtered.Images[0].Builds != 2 || filtered.Images[0].Runs.Total != 1 {
			t.Fatalf("filtered images %+v", filtered)
		}
		decodeContract[apitypes.BuildPage](t, "GET builds?outcome=reused", expect(get(base+"?outcome=reused"), 200).body)
		sizesPath := "/api/v1/images/" + url.PathEscape("registry.example/ns/app") + "/sizes"
		series := decodeContract[apitypes.SizeSeries](t, "GET sizes", expect(get(sizesPath), 200).body)
		if len(series.Points) != 2 || series.Points[0].BudgetBytes != nil {
			t.Fatalf("series %+v", series)
		}
		runs := decodeContract[apitypes.RunPage](t, "GET /api/v1/runs", expect(get("/api/v1/runs"), 200).body)
		if len(runs.Runs) != 1 || runs.Runs[0].CiRunId != "gh-42" || runs.NextCursor != nil {
			t.Fatalf("runs %+v", runs)
		}
		run := decodeContract[apitypes.Run](t, "GET /api/v1/runs/gh-42", expect(get("/api/v1/runs/gh-42"), 200).body)
		if len(run.Builds) != 1 || run.Images != 1 {
			t.Fatalf("run %+v", run)
		}

		keyed := func(key string, b map[string]any) response {
			return api.do(t, "POST", "/api/v1/builds", map[string]string{"Authorization": "Bearer " + token,
				"Content-Type": "application/json", "Idempotency-Key": key}, strings.NewReader(encode(t, b)))
		}
		replay := validBuild("registry.example/ns/app", "v3")
		expect(keyed("k1", replay), 201)
		replayed := expect(keyed("k1", replay), 201)
		decodeContract[apitypes.Build](t, "POST /api/v1/builds (replayed)", replayed.body)
		if replayed.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay without Idempotent-Replayed: %v", replayed.header)
		}

		// Every error the contract lists decodes into ErrorBody.
		errorCases := []struct {
			name   string
			res    response
			status int
		}{
			{"invalid_build", api.post(t, `{}`), 400},
			{"invalid_json", api.post(t, `{"branch":"main"}`), 400},
			{"invalid_idempotency_key", keyed("a b", replay), 400},
			{"idempotency_key_reused", keyed("k1", validBuild("registry.example/ns/app", "v4")), 422},
			{"unauthorized", api.do(t, "POST", "/api/v1/builds", map[string]string{"Content-Type": "application/json"}, strings.NewReader("{}")), 401},
			{"body_too_large", api.post(t, encode(t, map[string]string{"ciRunId": strings.Repeat("x", 2000)})), 413},
			{"unsupported_media_type", api.do(t, "POST", "/api/v1/builds", map[string]string{"Authorization": "Bearer " + token}, strings.NewReader("{}")), 415},
			{"invalid_query", get(base + "?limit=0"), 400},
			{"not_found", get("/api/v1/images/" + url.PathEscape("registry.example/ns/nope") + "/builds"), 404},
			{"invalid_query", get("/api/v1/images?project=-x"), 400},
			{"invalid_query", get(base + "?outcome=cached"), 400},
			{"invalid_query", get(sizesPath + "?limit=1001"), 400},
			{"not_found", get("/api/v1/images/" + url.PathEscape("registry.example/ns/nope") + "/sizes"), 404},
			{"invalid_query", get("/api/v1/runs?cursor=x"), 400},
			{"not_found", get("/api/v1/runs/nope"), 404},
		}
		for _, tc := range errorCases {
			expect(tc.res, tc.status)
			body := decodeContract[apitypes.ErrorBody](t, tc.name, tc.res.body)
			if body.Error.Code != tc.name || body.Error.Message == "" {
				t.Fatalf("%s: error %+v", tc.name, body.Error)
			}
		}

		api.store.Close()
		res := expect(get("/readyz"), http.StatusServiceUnavailable)
		decodeContract[apitypes.ErrorBody](t, "GET /readyz (unavailable)", res.body)
	})
}

// assertAllSet fails for every field of v (a struct, recursively through
// nested structs, not through slices) that is still its zero value, so a
// property added to the contract cannot be silently dropped by a conversion.
func assertAllSet(t *testing.T, what string, v any) {
	t.Helper()
	var walk func(path string, rv reflect.Value)
	walk = func(path string, rv reflect.Value) {
		if rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				t.Errorf("%s: %s is not set by the conversion", what, path)
				return
			}
			rv = rv.Elem()
		}
		if rv.Kind() != reflect.Struct || rv.Type() == reflect.TypeFor[time.Time]() {
			if rv.IsZero() {
				t.Errorf("%s: %s is not set by the conversion", what, path)
			}
			return
		}
		for i := range rv.NumField() {
			f := rv.Type().Field(i)
			name := f.Name
			if f.Anonymous {
				name = ""
			}
			walk(strings.TrimPrefix(path+"."+name, "."), rv.Field(i))
		}
	}
	walk("", reflect.ValueOf(v))
}

func TestConversionsCarryEveryField(t *testing.T) {
	cursor := ledger.BuildCursor{RecordedAt: t0, ID: 7}
	stored := ledger.Build{
		ID: 7,
		NewBuild: ledger.NewBuild{
			Project: "api", Image: "registry.example/ns/app", Digest: "sha256:" + strings.Repeat("ab", 32),
			Tags: []string{"main"}, SizeBytes: 10, BudgetBytes: ptr(int64(20)), Platform: "linux/amd64", GitSHA: "3f2c1ab", NxHash: "1",
			Outcome: ledger.OutcomeReused, DurationMs: 3, CIRunID: "run",
			SBOMDigest: ptr("sha256:" + strings.Repeat("cd", 32)), SBOMPackages: ptr(int64(87)), Signed: ptr(true),
		},
		RecordedAt: t0,
	}
	assertAllSet(t, "ledger.Build fixture", stored)

	assertAllSet(t, "buildToAPI", buildToAPI(stored))
	summary := ledger.ImageSummary{Image: "registry.example/ns/app", Project: "api", Builds: 1, Latest: stored,
		LastBuiltAt: &t0, LastReusedAt: &t0, Runs: 2, RunsReused: 1}
	assertAllSet(t, "ledger.ImageSummary fixture", summary)
	imageCursor := ledger.ImageCursorAt(summary)
	list := imagePageToAPI(ledger.ImagePage{Images: []ledger.ImageSummary{summary}, Next: &imageCursor})
	assertAllSet(t, "imagePageToAPI", list)
	assertAllSet(t, "imagePageToAPI images", list.Images[0])

	point := ledger.SizePoint{RecordedAt: t0, SizeBytes: 10, BudgetBytes: ptr(int64(20)), Digest: stored.Digest,
		Outcome: ledger.OutcomeBuilt, GitSHA: "3f2c1ab"}
	assertAllSet(t, "ledger.SizePoint fixture", point)
	series := sizeSeriesToAPI("registry.example/ns/app", []ledger.SizePoint{point})
	assertAllSet(t, "sizeSeriesToAPI", series.Points[0])

	runSummary := ledger.RunSummary{CIRunID: "run", GitSHA: "3f2c1ab", StartedAt: t0, FinishedAt: t0.Add(time.Second),
		Images: 3, Built: 1, Reused: 2, DurationMs: 9}
	assertAllSet(t, "ledger.RunSummary fixture", runSummary)
	runCursor := ledger.RunCursorAt(runSummary)
	runs := runPageToAPI(ledger.RunPage{Runs: []ledger.RunSummary{runSummary}, Next: &runCursor})
	assertAllSet(t, "runPageToAPI", runs)
	assertAllSet(t, "runPageToAPI runs", runs.Runs[0])
	run := runToAPI(ledger.Run{RunSummary: runSummary, Builds: []ledger.Build{stored}})
	assertAllSet(t, "runToAPI", run)
	assertAllSet(t, "runToAPI builds", run.Builds[0])
	page := buildPageToAPI(ledger.BuildPage{Builds: []ledger.Build{stored}, Next: &cursor})
	assertAllSet(t, "buildPageToAPI", page)
	assertAllSet(t, "buildPageToAPI builds", page.Builds[0])
	if *page.NextCursor != cursor.String() {
		t.Errorf("nextCursor %q, want %q", *page.NextCursor, cursor.String())
	}

	in := buildToAPI(stored)
	body := apitypes.NewBuild{
		Project: in.Project, Image: in.Image, Digest: in.Digest, Tags: in.Tags, SizeBytes: in.SizeBytes,
		BudgetBytes: in.BudgetBytes, Platform: in.Platform, GitSha: in.GitSha, NxHash: in.NxHash, Outcome: in.Outcome,
		DurationMs: in.DurationMs, CiRunId: in.CiRunId, SbomDigest: in.SbomDigest, SbomPackages: in.SbomPackages, Signed: in.Signed,
	}
	assertAllSet(t, "apitypes.NewBuild fixture", body)
	got := newBuildFromAPI(body)
	assertAllSet(t, "newBuildFromAPI", got)
	if !reflect.DeepEqual(got, stored.NewBuild) {
		t.Errorf("round trip: got %+v, want %+v", got, stored.NewBuild)
	}

	// Empty lists encode as [], never null; an absent cursor as null.
	empty := buildPageToAPI(ledger.BuildPage{})
	if b, _ := json.Marshal(empty); string(b) != `{"builds":[],"nextCursor":null}` {
		t.Errorf("empty page %s", b)
	}
	if b, _ := json.Marshal(imagePageToAPI(ledger.ImagePage{})); string(b) != `{"images":[],"nextCursor":null}` {
		t.Errorf("empty image list %s", b)
	}
	if b, _ := json.Marshal(runPageToAPI(ledger.RunPage{})); string(b) != `{"runs":[],"nextCursor":null}` {
		t.Errorf("empty run page %s", b)
	}
	if b, _ := json.Marshal(sizeSeriesToAPI("a", nil)); string(b) != `{"image":"a","points":[]}` {
		t.Errorf("empty series %s", b)
	}
}

// validationCases is libs/api-contract/testdata/new-build-cases.json.
type validationCases struct {
	Base  map[string]any `json:"base"`
	Cases []struct {
		Field    string          `json:"field"`
		Value    json.RawMessage `json:"value"`
		Omit     bool            `json:"omit"`
		Prefix   string          `json:"prefix"`
		Repeat   []any           `json:"repeat"`
		TagCount int             `json:"tagCount"`
		Valid    bool            `json:"valid"`
		Note     string          `json:"note"`
	} `json:"cases"`
}

// TestValidatorAgreesWithContract runs the validation cases shared with the
// contract's own test: for each, the ledger validator must reach the verdict
// the schema reaches.
func TestValidatorAgreesWithContract(t *testing.T) {
	path := filepath.Join("..", "..", "..", "..", "..", "libs", "api-contract", "testdata", "new-build-cases.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read the shared validation cases: %v", err)
	}
	var cases validationCases
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases.Cases) < 50 {
		t.Fatalf("only %d cases", len(cases.Cases))
	}
	for i, tc := range cases.Cases {
		name := fmt.Sprintf("%d_%s", i, tc.Field)
		t.Run(name, func(t *testing.T) {
			body := map[string]any{}
			for k, v := range cases.Base {
				body[k] = v
			}
			var value any
			switch {
			case tc.Omit:
				delete(body, tc.Field)
			case tc.Repeat != nil:
				value = tc.Prefix + strings.Repeat(tc.Repeat[0].(string), int(tc.Repeat[1].(float64)))
			case tc.TagCount > 0:
				tags := make([]string, tc.TagCount)
				for j := range tags {
					tags[j] = fmt.Sprintf("t%d", j)
				}
				value = tags
			default:
				value = tc.Value
			}
			if !tc.Omit {
				body[tc.Field] = value
			}
			var nb apitypes.NewBuild
			dec := json.NewDecoder(strings.NewReader(encode(t, body)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&nb); err != nil {
				t.Fatalf("case does not decode into apitypes.NewBuild: %v", err)
			}
			err := newBuildFromAPI(nb).Validate()
			if tc.Valid {
				if err != nil {
					t.Fatalf("%s = %s (%s): the contract accepts it, the validator says %v", tc.Field, encode(t, value), tc.Note, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("%s = %s (%s): the contract rejects it, the validator accepts it", tc.Field, encode(t, value), tc.Note)
			}
			ve, ok := err.(*ledger.ValidationError)
			if !ok {
				t.Fatalf("error %T %v", err, err)
			}
			for k := range ve.Fields {
				if k != tc.Field && !strings.HasPrefix(k, tc.Field+"[") {
					t.Fatalf("%s: rejected for another field: %v", tc.Field, ve.Fields)
				}
			}
		})
	}
}
