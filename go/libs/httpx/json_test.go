package httpx

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type sample struct {
	Name   string            `json:"name"`
	Count  int64             `json:"count"`
	Tags   []string          `json:"tags"`
	Inner  *inner            `json:"inner,omitempty"`
	Items  []inner           `json:"items,omitempty"`
	Labels map[string]string `json:"labels,omitempty"`
}

type inner struct {
	K int `json:"k"`
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		limit       int64
		wantStatus  int // 0 means success
		wantCode    string
		wantField   string
		wantMessage string
	}{
		{name: "ok", contentType: "application/json", body: `{"name":"a","count":2,"tags":["x"]}`},
		{name: "ok with charset", contentType: "application/json; charset=utf-8", body: `{"name":"a"}`},
		{name: "ok trailing whitespace", contentType: "application/json", body: "{\"name\":\"a\"}\n\n"},
		{name: "no content type", contentType: "", body: `{}`, wantStatus: 415, wantCode: CodeUnsupportedMediaType},
		{name: "text/plain", contentType: "text/plain", body: `{}`, wantStatus: 415, wantCode: CodeUnsupportedMediaType},
		{name: "json suffix type", contentType: "application/merge-patch+json", body: `{}`, wantStatus: 415, wantCode: CodeUnsupportedMediaType},
		{name: "garbage content type", contentType: ";;;", body: `{}`, wantStatus: 415, wantCode: CodeUnsupportedMediaType},
		{name: "empty body", contentType: "application/json", body: ``, wantStatus: 400, wantCode: CodeInvalidJSON},
		{name: "syntax error", contentType: "application/json", body: `{"name":}`, wantStatus: 400, wantCode: CodeInvalidJSON},
		{name: "truncated", contentType: "application/json", body: `{"name":"a"`, wantStatus: 400, wantCode: CodeInvalidJSON},
		{name: "unknown field", contentType: "application/json", body: `{"name":"a","extra":1}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantField: "extra"},
		{name: "wrong type", contentType: "application/json", body: `{"count":"many"}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantField: "count"},
		{name: "fraction into int", contentType: "application/json", body: `{"count":1.5}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantField: "count"},
		{name: "array not object", contentType: "application/json", body: `[1,2]`, wantStatus: 400, wantCode: CodeInvalidJSON},
		{name: "two values", contentType: "application/json", body: `{"name":"a"}{"name":"b"}`, wantStatus: 400, wantCode: CodeInvalidJSON},
		{name: "trailing garbage", contentType: "application/json", body: `{"name":"a"} x`, wantStatus: 400, wantCode: CodeInvalidJSON},
		{name: "too large", contentType: "application/json", body: `{"name":"` + strings.Repeat("a", 100) + `"}`, limit: 50, wantStatus: 413, wantCode: CodeBodyTooLarge},
		// Keys that encoding/json would take silently, and a JavaScript
		// reader would read otherwise.
		{name: "duplicate key", contentType: "application/json", body: `{"name":"api","count":1,"name":"evil"}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantField: "name", wantMessage: `"name" more than once`},
		{name: "duplicate key same value", contentType: "application/json", body: `{"name":"a","name":"a"}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantField: "name"},
		{name: "case variant key", contentType: "application/json", body: `{"name":"api","NAME":"evil"}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantField: "NAME", wantMessage: `"NAME", which matches the field "name" only without case`},
		{name: "case variant alone", contentType: "application/json", body: `{"Count":1}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantField: "Count"},
		{name: "unicode fold variant", contentType: "application/json", body: `{"tagſ":["x"]}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantField: "tagſ", wantMessage: `matches the field "tags"`},
		{name: "kelvin sign fold variant", contentType: "application/json", body: `{"inner":{"\u212a":1}}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantField: "inner.\u212a", wantMessage: `matches the field "k"`},
		{name: "nested duplicate", contentType: "application/json", body: `{"inner":{"k":1,"k":2}}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantField: "inner.k"},
		{name: "duplicate in array element", contentType: "application/json", body: `{"items":[{"k":1},{"k":1,"k":2}]}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantField: "items[1].k"},
		{name: "duplicate in a map", contentType: "application/json", body: `{"labels":{"a":"x","a":"y"}}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantField: "labels.a"},
		{name: "map keys keep their case", contentType: "application/json", body: `{"labels":{"a":"x","A":"y"}}`},
		{name: "same key in two objects", contentType: "application/json", body: `{"inner":{"k":1},"items":[{"k":1},{"k":2}]}`},
		{name: "escaped duplicate", contentType: "application/json", body: `{"name":"a","n\u0061me":"b"}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantField: "name"},
		{name: "long unknown key is not echoed whole", contentType: "application/json", body: `{"` + strings.Repeat("k", 10000) + `":1}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantMessage: strings.Repeat("k", MaxEcho) + "…"},
		{name: "bidi unknown key is escaped", contentType: "application/json", body: `{"a\u202eb":1}`, wantStatus: 400, wantCode: CodeInvalidJSON, wantField: `a\u202eb`, wantMessage: `"a\u202eb"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			req.ContentLength = -1 // exercise the streaming limit, not the Content-Length check
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.limit > 0 {
				req.Body = http.MaxBytesReader(httptest.NewRecorder(), req.Body, tt.limit)
			}
			var dst sample
			e := DecodeJSON(req, &dst)
			if tt.wantStatus == 0 {
				if e != nil {
					t.Fatalf("unexpected error %v", e)
				}
				return
			}
			if e == nil {
				t.Fatalf("expected %d, got success (%+v)", tt.wantStatus, dst)
			}
			if e.Status != tt.wantStatus || e.Code != tt.wantCode {
				t.Fatalf("got %d %s (%s), want %d %s", e.Status, e.Code, e.Message, tt.wantStatus, tt.wantCode)
			}
			if e.Message == "" {
				t.Fatal("empty message")
			}
			if tt.wantField != "" {
				if _, ok := e.Fields[tt.wantField]; !ok {
					t.Fatalf("fields %v lack %q", e.Fields, tt.wantField)
				}
			}
			if !strings.Contains(e.Message, tt.wantMessage) {
				t.Fatalf("message %q lacks %q", e.Message, tt.wantMessage)
			}
			if len(e.Message) > 300 {
				t.Fatalf("message of %d bytes echoes too much: %.100s...", len(e.Message), e.Message)
			}
			for k := range e.Fields {
				if len(k) > 4*MaxEcho {
					t.Fatalf("fields key of %d bytes", len(k))
				}
			}
		})
	}
}

func TestWriteErrorShape(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, &Error{Status: 400, Code: "invalid_thing", Message: "Bad thing.", Fields: map[string]string{"a": "is required"}})
	if rec.Code != 400 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, content type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	want := `{"error":{"code":"invalid_thing","message":"Bad thing.","fields":{"a":"is required"}}}` + "\n"
	if rec.Body.String() != want {
		t.Fatalf("body %q, want %q", rec.Body.String(), want)
	}

	rec = httptest.NewRecorder()
	WriteError(rec, &Error{Code: "x", Message: "No status."})
	var body map[string]map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 500 {
		t.Fatalf("status %d, want 500 for unset status", rec.Code)
	}
	if _, ok := body["error"]["fields"]; ok {
		t.Fatal("fields present although empty")
	}
}
