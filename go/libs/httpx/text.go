package httpx

import (
	"net/http"
	"strings"
)

// WriteText writes msg as a plain-text body with the given status, adding a
// final newline if msg has none. The Content-Type is exactly "text/plain",
// without a charset parameter, because some clients compare it byte for
// byte: Nx's self-hosted remote cache client shows the body of a 401 only
// when the header equals "text/plain". msg should therefore be ASCII.
func WriteText(w http.ResponseWriter, status int, msg string) {
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg))
}

// WriteTextError writes e's message as plain text with e's status (500
// when unset); see WriteText. It is the plain-text counterpart of
// WriteError, for endpoints whose clients do not read JSON.
func WriteTextError(w http.ResponseWriter, e *Error) {
	status := e.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	WriteText(w, status, e.Message)
}
