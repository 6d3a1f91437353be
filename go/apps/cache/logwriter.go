package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Log output is batched: one write per line costs a 404 more than
// everything else it does. Lines wait at most logFlushDelay, or until
// logBufferBytes are buffered; records at warn and above, and the
// "listening" record, go out at once. A crash loses at most the last
// logFlushDelay of request records.
const (
	logFlushDelay  = 100 * time.Millisecond
	logBufferBytes = 64 << 10
)

// logWriter buffers what is written to it and writes it to w in batches.
// Safe for concurrent use.
type logWriter struct {
	w io.Writer

	mu    sync.Mutex
	buf   []byte
	armed bool // a flush is scheduled
	timer *time.Timer
}

func newLogWriter(w io.Writer) *logWriter {
	l := &logWriter{w: w, buf: make([]byte, 0, logBufferBytes)}
	l.timer = time.AfterFunc(time.Hour, l.Flush)
	l.timer.Stop()
	return l
}

// Write buffers p (one log record) and schedules a flush.
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf)+len(p) > cap(l.buf) {
		l.flushLocked()
	}
	if len(p) >= cap(l.buf) {
		_, err := l.w.Write(p)
		return len(p), err
	}
	l.buf = append(l.buf, p...)
	if !l.armed {
		l.armed = true
		l.timer.Reset(logFlushDelay)
	}
	return len(p), nil
}

// Flush writes out what is buffered.
func (l *logWriter) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
}

func (l *logWriter) flushLocked() {
	if len(l.buf) > 0 {
		_, _ = l.w.Write(l.buf) // nowhere to report a failing log
		l.buf = l.buf[:0]
	}
	l.armed = false
}

// flushingHandler flushes the log writer after records at warn and above.
type flushingHandler struct {
	slog.Handler
	out *logWriter
}

// Handle implements slog.Handler.
func (h flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.out.Flush()
	}
	return err
}

// WithAttrs implements slog.Handler.
func (h flushingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushingHandler{h.Handler.WithAttrs(attrs), h.out}
}

// WithGroup implements slog.Handler.
func (h flushingHandler) WithGroup(name string) slog.Handler {
	return flushingHandler{h.Handler.WithGroup(name), h.out}
}
