package httpx

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLimitBody(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if e := DecodeJSON(r, &v); e != nil {
			WriteError(w, e)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	h := LimitBody(20)(echo)
	tests := []struct {
		name          string
		body          string
		contentLength int64
		want          int
	}{
		{name: "small", body: `{"a":1}`, contentLength: 7, want: 204},
		{name: "declared too large", body: `{"a":"` + strings.Repeat("x", 30) + `"}`, contentLength: 38, want: 413},
		{name: "streamed too large", body: `{"a":"` + strings.Repeat("x", 30) + `"}`, contentLength: -1, want: 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			req.ContentLength = tt.contentLength
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.want, rec.Body)
			}
			if tt.want == 413 && !strings.Contains(rec.Body.String(), CodeBodyTooLarge) {
				t.Fatalf("body %s", rec.Body)
			}
		})
	}
	if LimitBody(0)(echo) == nil {
		t.Fatal("LimitBody(0) returned nil")
	}
}

func TestLogRequestsAndRecover(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "hello")
	})
	mux.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) { panic("kaboom") })
	h := Chain(mux, LogRequests(logger), Recover(logger))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/things/7", nil))
	var entry map[string]any
	if err := json.Unmarshal(buf.Bytes(), &entry); err != nil {
		t.Fatalf("log is not JSON: %v %q", err, buf.String())
	}
	for k, want := range map[string]any{"msg": "request", "method": "GET", "path": "/things/7", "route": "GET /things/{id}", "status": float64(200), "bytes": float64(5)} {
		if entry[k] != want {
			t.Errorf("log %s = %v, want %v", k, entry[k], want)
		}
	}

	buf.Reset()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), CodeInternal) {
		t.Fatalf("panic answered %d %s", rec.Code, rec.Body)
	}
	logs := buf.String()
	if !strings.Contains(logs, "panic in handler") || !strings.Contains(logs, `"status":500`) || !strings.Contains(logs, `"level":"ERROR"`) {
		t.Fatalf("logs lack panic or 500 record: %s", logs)
	}
}

func TestJSONErrors(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items", func(w http.ResponseWriter, r *http.Request) { WriteJSON(w, 200, map[string]int{"n": 1}) })
	mux.HandleFunc("POST /items", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201) })
	mux.HandleFunc("GET /dir/", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	h := JSONErrors(mux)
	tests := []struct {
		method, path string
		wantStatus   int
		wantCode     string
		wantAllow    string
		wantLocation string
	}{
		{method: "GET", path: "/items", wantStatus: 200},
		{method: "POST", path: "/items", wantStatus: 201},
		{method: "GET", path: "/nope", wantStatus: 404, wantCode: CodeNotFound},
		{method: "DELETE", path: "/items", wantStatus: 405, wantCode: CodeMethodNotAllowed, wantAllow: "GET, HEAD, POST"},
		// A long path is not repeated whole.
		{method: "GET", path: "/" + strings.Repeat("a", 10_000), wantStatus: 404, wantCode: CodeNotFound},
		// The redirect status is 301 up to Go 1.25 and 307 from Go 1.26.
		{method: "GET", path: "/dir", wantStatus: http.StatusMovedPermanently, wantLocation: "/dir/"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			redirect := tt.wantLocation != "" && (rec.Code == http.StatusMovedPermanently || rec.Code == http.StatusTemporaryRedirect)
			if rec.Code != tt.wantStatus && !redirect {
				t.Fatalf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if tt.wantCode != "" {
				var body ErrorBody
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error == nil {
					t.Fatalf("body not error JSON: %v %s", err, rec.Body)
				}
				if body.Error.Code != tt.wantCode || body.Error.Message == "" || len(body.Error.Message) > 200 {
					t.Fatalf("error %.300v", body.Error)
				}
				if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
					t.Fatalf("content type %q", ct)
				}
			}
			if tt.wantAllow != "" && rec.Header().Get("Allow") != tt.wantAllow {
				t.Fatalf("Allow %q, want %q", rec.Header().Get("Allow"), tt.wantAllow)
			}
			if tt.wantLocation != "" && rec.Header().Get("Location") != tt.wantLocation {
				t.Fatalf("Location %q, want %q", rec.Header().Get("Location"), tt.wantLocation)
			}
		})
	}
}

// TestStatusRecorderKeepsSendfile: the recorder passes io.ReaderFrom through
// (a file served with io.Copy keeps using sendfile) and still counts.
func TestStatusRecorderKeepsSendfile(t *testing.T) {
	var rec http.ResponseWriter = &StatusRecorder{ResponseWriter: httptest.NewRecorder()}
	rf, ok := rec.(io.ReaderFrom)
	if !ok {
		t.Fatal("no io.ReaderFrom")
	}
	n, err := rf.ReadFrom(strings.NewReader("abc"))
	if got := rec.(*StatusRecorder); n != 3 || err != nil || got.Status() != 200 || got.Bytes() != 3 {
		t.Fatalf("ReadFrom = %d, %v; status %d, bytes %d", n, err, got.Status(), got.Bytes())
	}
}
