package httpx

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestTokenSet(t *testing.T) {
	s := NewTokenSet("alpha", "", "  ", "beta-longer-token")
	if s.Len() != 2 {
		t.Fatalf("Len = %d, want 2 (blank tokens dropped)", s.Len())
	}
	tests := []struct {
		token string
		want  bool
	}{
		{"alpha", true},
		{"beta-longer-token", true},
		{"alph", false},
		{"alphaa", false},
		{"ALPHA", false},
		{"", false},
		{" ", false},
	}
	for _, tt := range tests {
		if got := s.Contains(tt.token); got != tt.want {
			t.Errorf("Contains(%q) = %v, want %v", tt.token, got, tt.want)
		}
	}
	var nilSet *TokenSet
	if nilSet.Contains("alpha") || nilSet.Len() != 0 {
		t.Error("nil set must be empty")
	}
}

func TestBearerAuth(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	tests := []struct {
		name          string
		tokens        []string
		authorization string
		wantStatus    int
		wantChallenge string
		wantMessage   string
	}{
		{name: "valid", tokens: []string{"t1", "t2"}, authorization: "Bearer t2", wantStatus: 204},
		{name: "scheme case-insensitive", tokens: []string{"t1"}, authorization: "bearer t1", wantStatus: 204},
		{name: "missing header", tokens: []string{"t1"}, wantStatus: 401, wantChallenge: `Bearer realm="test"`, wantMessage: "bearer token is required"},
		{name: "basic scheme", tokens: []string{"t1"}, authorization: "Basic dDE6", wantStatus: 401, wantChallenge: `Bearer realm="test"`},
		{name: "empty token", tokens: []string{"t1"}, authorization: "Bearer ", wantStatus: 401, wantChallenge: `Bearer realm="test"`},
		{name: "wrong token", tokens: []string{"t1"}, authorization: "Bearer t3", wantStatus: 401, wantChallenge: `Bearer realm="test", error="invalid_token"`, wantMessage: "not valid"},
		{name: "prefix of token", tokens: []string{"t1"}, authorization: "Bearer t", wantStatus: 401},
		{name: "no tokens configured", tokens: nil, authorization: "Bearer t1", wantStatus: 401, wantChallenge: `Bearer realm="test"`, wantMessage: "set TEST_TOKENS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := BearerAuth{Tokens: NewTokenSet(tt.tokens...), Realm: "test", DisabledMessage: "Disabled: set TEST_TOKENS."}.Wrap(ok)
			req := httptest.NewRequest(http.MethodPost, "/", nil)
			if tt.authorization != "" {
				req.Header.Set("Authorization", tt.authorization)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if tt.wantChallenge != "" && rec.Header().Get("WWW-Authenticate") != tt.wantChallenge {
				t.Fatalf("WWW-Authenticate %q, want %q", rec.Header().Get("WWW-Authenticate"), tt.wantChallenge)
			}
			if tt.wantStatus == 401 {
				if !strings.Contains(rec.Body.String(), `"code":"unauthorized"`) {
					t.Fatalf("body %s", rec.Body)
				}
				if tt.wantMessage != "" && !strings.Contains(rec.Body.String(), tt.wantMessage) {
					t.Fatalf("body %s lacks %q", rec.Body, tt.wantMessage)
				}
			}
		})
	}
}
