package httpx

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// TestServeGracefulShutdown cancels the context while a request is in
// flight: the request must complete, Serve must return nil, and the
// listener must be closed afterwards.
func TestServeGracefulShutdown(t *testing.T) {
	ln := listen(t)
	addr := ln.Addr().String()
	started := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		// The request context must survive the serve context's cancel.
		if err := r.Context().Err(); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		_, _ = io.WriteString(w, "done")
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, h, ServerConfig{ShutdownTimeout: 5 * time.Second}, nil) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{body: string(b), err: err}
	}()

	<-started
	cancel()
	// Shutdown has begun once new connections are refused.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("listener still accepting after cancel")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v before the in-flight request finished", err)
	default:
	}
	close(release)

	r := <-got
	if r.err != nil || r.body != "done" {
		t.Fatalf("in-flight request: body %q, err %v", r.body, r.err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve returned %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
}

// TestServeShutdownTimeout checks that a request outliving the shutdown
// timeout makes Serve give up and report ErrShutdownTimeout.
func TestServeShutdownTimeout(t *testing.T) {
	ln := listen(t)
	addr := ln.Addr().String()
	started := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, h, ServerConfig{ShutdownTimeout: 50 * time.Millisecond}, nil) }()
	go func() {
		resp, err := http.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	cancel()
	select {
	case err := <-served:
		if !errors.Is(err, ErrShutdownTimeout) {
			t.Fatalf("Serve returned %v, want ErrShutdownTimeout", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not give up")
	}
}

// TestServeListenerError checks that a failing listener is reported.
func TestServeListenerError(t *testing.T) {
	ln := listen(t)
	ln.Close()
	err := Serve(context.Background(), ln, http.NotFoundHandler(), ServerConfig{}, nil)
	if err == nil {
		t.Fatal("Serve on a closed listener returned nil")
	}
}

func TestServerConfigDefaults(t *testing.T) {
	c := ServerConfig{WriteTimeout: time.Minute}.withDefaults()
	if c.WriteTimeout != time.Minute || c.ReadHeaderTimeout != DefaultReadHeaderTimeout ||
		c.ReadTimeout != DefaultReadTimeout || c.IdleTimeout != DefaultIdleTimeout ||
		c.ShutdownTimeout != DefaultShutdownTimeout || c.MaxHeaderBytes != DefaultMaxHeaderBytes {
		t.Fatalf("defaults not applied: %+v", c)
	}
	off := ServerConfig{ReadTimeout: NoTimeout, WriteTimeout: NoTimeout, IdleTimeout: NoTimeout}.withDefaults()
	if off.ReadTimeout != 0 || off.WriteTimeout != 0 || off.IdleTimeout != 0 ||
		off.ReadHeaderTimeout != DefaultReadHeaderTimeout {
		t.Fatalf("NoTimeout not honoured: %+v", off)
	}
}
