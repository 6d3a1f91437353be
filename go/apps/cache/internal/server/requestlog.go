package server

import (
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"slipway/libs/httpx"
)

// logRequests returns the cache's request log: one record per request
// with what httpx.LogRequests records (msg "request", method, path, route,
// status, bytes, durationMs, remote; 5xx at error level, the rest at
// info), in the JSON of slog's JSONHandler, but encoded here into w: slog
// took about a quarter of the server's own CPU time for a 404. A record is
// written only when logger has its level enabled; after an error record,
// w is flushed when it can be (Flush()).
func logRequests(logger *slog.Logger, w io.Writer) httpx.Middleware {
	flusher, _ := w.(interface{ Flush() })
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &httpx.StatusRecorder{ResponseWriter: rw}
			next.ServeHTTP(rec, r)
			status := rec.Status()
			if status == 0 {
				status = http.StatusOK
			}
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			if !logger.Enabled(r.Context(), level) {
				return
			}
			writeRequestRecord(w, start, level, r, status, rec.Bytes())
			if level >= slog.LevelError && flusher != nil {
				flusher.Flush()
			}
		})
	}
}

var lineBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// writeRequestRecord writes one request record as a JSON line in one
// Write.
func writeRequestRecord(w io.Writer, start time.Time, level slog.Level, r *http.Request, status int, bytes int64) {
	bp := lineBufs.Get().(*[]byte)
	b := (*bp)[:0]
	b = append(b, `{"time":"`...)
	b = start.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":"`...)
	b = append(b, level.String()...)
	b = append(b, `","msg":"request","method":`...)
	b = appendJSONString(b, r.Method)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, r.URL.EscapedPath())
	b = append(b, `,"route":`...)
	b = appendJSONString(b, r.Pattern)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, bytes, 10)
	b = append(b, `,"durationMs":`...)
	b = strconv.AppendFloat(b, float64(time.Since(start).Microseconds())/1000, 'f', -1, 64)
	b = append(b, `,"remote":`...)
	b = appendJSONString(b, r.RemoteAddr)
	b = append(b, "}\n"...)
	_, _ = w.Write(b) // nowhere to report a failing log
	*bp = b
	lineBufs.Put(bp)
}

// appendJSONString appends s as a JSON string. The values logged are
// ASCII (an escaped path, a method token, an address); any other byte is
// written as \u00XX, so the line stays valid JSON whatever arrives.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20 || c >= 0x7f:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
