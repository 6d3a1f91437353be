package httpx

import (
	"bytes"
	"net/http"
)

// JSONErrors wraps a ServeMux so that its own "404 page not found" and
// "405 method not allowed" plain-text answers become JSON in the package's
// error shape (codes "not_found" and "method_not_allowed", keeping the Allow
// header; the method and path they repeat are bounded by Echo). Requests
// that match a registered pattern go straight through;
// the mux's redirects are passed on unchanged.
func JSONErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// No route: let the mux's own handler decide (404, 405 or a
		// redirect), capture its answer and translate the errors.
		rec := &captureWriter{header: http.Header{}}
		h.ServeHTTP(rec, r)
		switch rec.status {
		case http.StatusNotFound:
			Errorf(w, http.StatusNotFound, CodeNotFound, "No route matches %s %s.", Echo(r.Method), Echo(r.URL.EscapedPath()))
		case http.StatusMethodNotAllowed:
			if allow := rec.header.Get("Allow"); allow != "" {
				w.Header().Set("Allow", allow)
			}
			Errorf(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
				"Method %s is not allowed on %s; allowed: %s.", Echo(r.Method), Echo(r.URL.EscapedPath()), rec.header.Get("Allow"))
		default:
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			if rec.status == 0 {
				rec.status = http.StatusOK
			}
			w.WriteHeader(rec.status)
			_, _ = w.Write(rec.body.Bytes())
		}
	})
}

// captureWriter is an in-memory http.ResponseWriter.
type captureWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

// Header returns the captured header map.
func (c *captureWriter) Header() http.Header { return c.header }

// WriteHeader captures the first status code.
func (c *captureWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}

// Write captures the body.
func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}
