package httpx

// Fuzz targets for what httpx takes from clients: JSON request bodies and
// the echo of input in error messages. The seeds run with every `go test`;
// tools/fuzz/run.sh fuzzes each target for a few seconds.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// fuzzBody is a target with the shapes a request body can take: scalars,
// a list, a nested object, a list of objects, a map, a pointer, a type that
// decodes itself and an embedded struct.
type fuzzBody struct {
	fuzzEmbedded
	Name   string            `json:"name"`
	Count  int64             `json:"count"`
	Ratio  float64           `json:"ratio,omitempty"`
	OK     *bool             `json:"ok,omitempty"`
	Tags   []string          `json:"tags,omitempty"`
	Inner  *inner            `json:"inner,omitempty"`
	Items  []inner           `json:"items,omitempty"`
	Labels map[string]string `json:"labels,omitempty"`
	Raw    json.RawMessage   `json:"raw,omitempty"`
	Secret string            `json:"-"`
}

type fuzzEmbedded struct {
	Kind string `json:"kind,omitempty"`
}

func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"name":"api","count":2,"tags":["a"],"inner":{"k":1},"items":[{"k":2}],"labels":{"a":"b"},"kind":"x","raw":{"any":[1,{"a":1,"a":2}]}}`,
		`{"name":"api","name":"evil"}`,
		`{"name":"api","NAME":"evil"}`,
		`{"Kind":"x"}`,
		`{"inner":{"K":1}}`,
		`{"inner":{"\u212a":1}}`,
		`{"tagſ":[]}`,
		`{"labels":{"a":"1","A":"2"}}`,
		`{"Secret":"x"}`,
		`{"-":"x"}`,
		`{"items":[{"k":1},{"k":1,"k":1}]}`,
		`{"n\u0061me":"a","name":"b"}`,
		`[{"name":1}]`,
		`{"count":1e400}`,
		`{"count":"1"}`,
		`{"name":"a"} {"name":"b"}`,
		`{"` + strings.Repeat("k", 200) + `":1}`,
		`{"a\u202eb":1}`,
		"{\"name\":\"\xff\"}",
		strings.Repeat("[", 20000),
		`{"raw":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
		``,
		`null`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Body = http.MaxBytesReader(httptest.NewRecorder(), req.Body, 64<<10)
		var got fuzzBody
		e := DecodeJSON(req, &got)
		if e != nil {
			if e.Status != http.StatusBadRequest && e.Status != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d for %q", e.Status, body)
			}
			if e.Code == "" || e.Message == "" || len(e.Message) > 400 {
				t.Fatalf("error %d %q %q", e.Status, e.Code, e.Message)
			}
			for k, v := range e.Fields {
				if len(k) > 4*MaxEcho+len("…") || len(v) > 400 {
					t.Fatalf("fields entry of %d+%d bytes", len(k), len(v))
				}
			}
			return
		}
		// Accepted: one JSON value, the same one encoding/json decodes ...
		if !json.Valid(bytes.TrimSpace(body)) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		var std fuzzBody
		if err := json.Unmarshal(body, &std); err != nil || !reflect.DeepEqual(std, got) {
			t.Fatalf("encoding/json reads %+v (%v), DecodeJSON %+v", std, err, got)
		}
		// ... and, independently of checkKeys, a top level without a
		// repeated key or a key that is a field's only without case.
		dec := json.NewDecoder(bytes.NewReader(body))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return // null: nothing to look at
		}
		seen := map[string]bool{}
		exact := map[string]bool{"kind": true, "name": true, "count": true, "ratio": true, "ok": true, "tags": true,
			"inner": true, "items": true, "labels": true, "raw": true}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			key := tok.(string)
			if seen[key] || !exact[key] {
				t.Fatalf("accepted the key %q (twice, or not spelled like a field) in %q", key, body)
			}
			seen[key] = true
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzEcho(f *testing.F) {
	for _, seed := range []string{"", "gh-42", "a\u202eb", "\xff\xfe", strings.Repeat("é", 100), "tab\there", `"quoted"`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Echo(s)
		if len(got) > MaxEcho*10+len("…") {
			t.Fatalf("echo of %d bytes", len(got))
		}
		if !utf8.ValidString(got) {
			t.Fatalf("echo %q is not valid UTF-8", got)
		}
		for _, r := range strings.TrimSuffix(got, "…") {
			if !unicode.IsPrint(r) {
				t.Fatalf("echo %q shows %U as it is", got, r)
			}
		}
		if utf8.ValidString(s) && utf8.RuneCountInString(s) <= MaxEcho && !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) || r == '"' || r == '\\' }) && got != s {
			t.Fatalf("printable %q echoed as %q", s, got)
		}
	})
}
