package httpx

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestWriteText(t *testing.T) {
	tests := []struct {
		name       string
		write      func(http.ResponseWriter)
		wantStatus int
		wantBody   string
	}{
		{name: "adds newline", write: func(w http.ResponseWriter) { WriteText(w, 401, "no token") },
			wantStatus: 401, wantBody: "no token\n"},
		{name: "keeps newline", write: func(w http.ResponseWriter) { WriteText(w, 409, "exists\n") },
			wantStatus: 409, wantBody: "exists\n"},
		{name: "error", write: func(w http.ResponseWriter) { WriteTextError(w, NewError(403, "forbidden", "read only")) },
			wantStatus: 403, wantBody: "read only\n"},
		{name: "error without status", write: func(w http.ResponseWriter) { WriteTextError(w, &Error{Message: "boom"}) },
			wantStatus: 500, wantBody: "boom\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tt.write(rec)
			if rec.Code != tt.wantStatus || rec.Body.String() != tt.wantBody {
				t.Fatalf("got %d %q, want %d %q", rec.Code, rec.Body, tt.wantStatus, tt.wantBody)
			}
			// Exactly text/plain: Nx compares the header byte for byte.
			if ct := rec.Header().Get("Content-Type"); ct != "text/plain" {
				t.Fatalf("Content-Type %q", ct)
			}
		})
	}
}
