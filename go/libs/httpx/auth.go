package httpx

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// TokenSet is a set of accepted bearer tokens. Lookups take the same time
// whichever token matches, or none: every stored token is compared, in
// constant time, against the presented one.
type TokenSet struct {
	// digests holds SHA-256 sums of the tokens, so that every comparison is
	// between equal-length values and leaks nothing about token lengths.
	digests [][sha256.Size]byte
}

// NewTokenSet returns a set holding the given tokens. Blank tokens are
// ignored, so an empty or all-blank list gives an empty set that matches
// nothing.
func NewTokenSet(tokens ...string) *TokenSet {
	s := &TokenSet{}
	for _, t := range tokens {
		if strings.TrimSpace(t) == "" {
			continue
		}
		s.digests = append(s.digests, sha256.Sum256([]byte(t)))
	}
	return s
}

// Len reports how many tokens the set holds.
func (s *TokenSet) Len() int {
	if s == nil {
		return 0
	}
	return len(s.digests)
}

// Contains reports whether token is in the set. It compares against every
// token without stopping early.
func (s *TokenSet) Contains(token string) bool {
	if s == nil || token == "" {
		return false
	}
	sum := sha256.Sum256([]byte(token))
	found := 0
	for i := range s.digests {
		found |= subtle.ConstantTimeCompare(sum[:], s.digests[i][:])
	}
	return found == 1
}

// BearerToken extracts the token from an "Authorization: Bearer <token>"
// header. The scheme is matched case-insensitively.
func BearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// BearerAuth configures RequireBearer.
type BearerAuth struct {
	// Tokens are the accepted tokens.
	Tokens *TokenSet
	// Realm goes into the WWW-Authenticate challenge; empty means none.
	Realm string
	// DisabledMessage is the error message sent when Tokens is empty, i.e.
	// when no request can ever be authorized (for example "Writes are
	// disabled: set API_WRITE_TOKENS."). A generic message is used if empty.
	DisabledMessage string
}

// Wrap returns middleware that lets a request through only when it carries
// a bearer token from the set. Otherwise it answers 401 with a
// WWW-Authenticate: Bearer challenge and the JSON error shape (code
// "unauthorized").
func (a BearerAuth) Wrap(next http.Handler) http.Handler {
	challenge := "Bearer"
	if a.Realm != "" {
		challenge += ` realm="` + a.Realm + `"`
	}
	disabled := a.DisabledMessage
	if disabled == "" {
		disabled = "No access tokens are configured on the server, so this request cannot be authorized."
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.Tokens.Len() == 0 {
			w.Header().Set("WWW-Authenticate", challenge)
			WriteError(w, NewError(http.StatusUnauthorized, CodeUnauthorized, disabled))
			return
		}
		token, ok := BearerToken(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", challenge)
			WriteError(w, NewError(http.StatusUnauthorized, CodeUnauthorized,
				"A bearer token is required: send Authorization: Bearer <token>."))
			return
		}
		if !a.Tokens.Contains(token) {
			w.Header().Set("WWW-Authenticate", challenge+sep(a.Realm)+`error="invalid_token"`)
			WriteError(w, NewError(http.StatusUnauthorized, CodeUnauthorized, "The bearer token is not valid."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sep returns the separator between the challenge's scheme or realm and the
// next auth-param.
func sep(realm string) string {
	if realm == "" {
		return " "
	}
	return ", "
}
