package server

import (
	"net/http"

	"slipway/apps/cache/internal/metrics"
	"slipway/libs/httpx"
)

// access is what a request's credentials allow.
type access int

const (
	accessNone      access = iota // refused (401 already sent)
	accessAnonymous               // no token, anonymous reads allowed
	accessRead                    // a read token: GET only
	accessWrite                   // a write token: GET and PUT
)

// challenge is the WWW-Authenticate value of a 401.
const challenge = `Bearer realm="slipway-cache"`

// authenticate checks the request's bearer token against the read and
// write sets, both in full and in constant time (httpx.TokenSet), so the
// timing reveals neither the token nor which set holds it. A request
// without an Authorization header passes as anonymous when anonymous is
// set (GET with CACHE_ALLOW_ANONYMOUS_READ); a token that is present but
// unknown is refused even then. On refusal it answers 401 in plain text,
// which Nx shows to the user, and returns accessNone.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, anonymous bool) access {
	if r.Header.Get("Authorization") == "" {
		if anonymous {
			return accessAnonymous
		}
		w.Header().Set("WWW-Authenticate", challenge)
		s.refuse(w, http.StatusUnauthorized, metrics.Unauthorized,
			"A bearer token is required: set NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN to a token of this cache server.")
		return accessNone
	}
	if len(r.Header.Values("Authorization")) > 1 {
		// Which one counts would depend on who reads the headers (a proxy,
		// this server): refuse rather than pick.
		w.Header().Set("WWW-Authenticate", challenge)
		s.refuse(w, http.StatusUnauthorized, metrics.Unauthorized,
			"Send one Authorization header, not several.")
		return accessNone
	}
	token, ok := httpx.BearerToken(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", challenge)
		s.refuse(w, http.StatusUnauthorized, metrics.Unauthorized,
			"The Authorization header must be \"Bearer <token>\".")
		return accessNone
	}
	canWrite := s.tokens.Write.Contains(token)
	canRead := s.tokens.Read.Contains(token)
	switch {
	case canWrite:
		return accessWrite
	case canRead:
		return accessRead
	}
	w.Header().Set("WWW-Authenticate", challenge+`, error="invalid_token"`)
	s.refuse(w, http.StatusUnauthorized, metrics.Unauthorized,
		"The bearer token is not valid for this cache server: check NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN.")
	return accessNone
}
