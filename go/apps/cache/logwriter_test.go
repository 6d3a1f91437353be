package main

import (
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// countingWriter counts the writes it gets.
type countingWriter struct {
	mu     sync.Mutex
	writes int
	b      strings.Builder
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	return c.b.Write(p)
}

func (c *countingWriter) state() (int, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes, c.b.String()
}

// TestLogWriterBatches: request records go out together, within
// logFlushDelay; a warning goes out at once, with what came before it.
func TestLogWriterBatches(t *testing.T) {
	out := &countingWriter{}
	logs := newLogWriter(out)
	logger := slog.New(flushingHandler{slog.NewJSONHandler(logs, nil), logs})
	for i := range 100 {
		logger.Info("request", slog.Int("status", 404), slog.Int("i", i))
	}
	if n, _ := out.state(); n != 0 {
		t.Fatalf("%d writes before the flush delay", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, text := out.state()
		if n > 0 {
			if n != 1 || strings.Count(text, `"msg":"request"`) != 100 {
				t.Fatalf("%d writes, %d records", n, strings.Count(text, `"msg":"request"`))
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("not flushed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	logger.Info("request", slog.Int("status", 200))
	logger.Warn("cache store not ready")
	if n, text := out.state(); n != 2 || !strings.HasSuffix(text, `"msg":"cache store not ready"}`+"\n") {
		t.Fatalf("after a warning: %d writes, ends %q", n, text[max(0, len(text)-80):])
	}
	// A full buffer is written without waiting.
	long := strings.Repeat("x", 1000)
	for range logBufferBytes/1000 + 5 {
		logger.Info("request", slog.String("path", long))
	}
	if n, _ := out.state(); n < 3 {
		t.Fatalf("a full buffer was not written: %d writes", n)
	}
}
