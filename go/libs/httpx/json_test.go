package httpx

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type sample struct {
	Name  string   `json:"name"`
	Count int64    `json:"count"`
	Tags  []string `json:"tags"`
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
