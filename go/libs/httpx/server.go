package httpx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Default server timeouts, used for zero fields of ServerConfig.
const (
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultShutdownTimeout   = 10 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
)

// NoTimeout, given as ReadTimeout, WriteTimeout or IdleTimeout, turns that
// timeout off. Services that stream large bodies use it with a
// per-request progress deadline instead (see ProgressDeadlines), so that a
// slow but steady 1 GB transfer is not cut off while a stalled one is.
const NoTimeout time.Duration = -1

// ServerConfig holds the timeouts of an HTTP server. Zero fields take the
// Default* values above; a negative ReadTimeout, WriteTimeout or
// IdleTimeout (NoTimeout) disables that timeout.
type ServerConfig struct {
	// ReadHeaderTimeout bounds reading the request headers (slowloris).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading the whole request, body included.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of the request headers to
	// the end of the response.
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection waits for the
	// next request.
	IdleTimeout time.Duration
	// ShutdownTimeout bounds the graceful shutdown: in-flight requests get
	// this long to finish before connections are closed forcibly.
	ShutdownTimeout time.Duration
	// MaxHeaderBytes caps the size of request headers.
	MaxHeaderBytes int
}

// withDefaults returns c with zero fields replaced by defaults and negative
// (NoTimeout) ones by zero, which http.Server reads as "no timeout".
func (c ServerConfig) withDefaults() ServerConfig {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	defOrOff := func(d *time.Duration, v time.Duration) {
		switch {
		case *d < 0:
			*d = 0
		case *d == 0:
			*d = v
		}
	}
	def(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	defOrOff(&c.ReadTimeout, DefaultReadTimeout)
	defOrOff(&c.WriteTimeout, DefaultWriteTimeout)
	defOrOff(&c.IdleTimeout, DefaultIdleTimeout)
	def(&c.ShutdownTimeout, DefaultShutdownTimeout)
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	return c
}

// ErrShutdownTimeout is returned by Serve when in-flight requests did not
// finish within ShutdownTimeout and connections had to be closed.
var ErrShutdownTimeout = errors.New("graceful shutdown timed out; connections closed forcibly")

// Serve serves h on ln until ctx is cancelled, then shuts down gracefully:
// it stops accepting connections, lets in-flight requests finish within
// cfg.ShutdownTimeout and returns nil. It returns an error if serving fails
// or if the shutdown times out (ErrShutdownTimeout). ln is closed on return.
// logger receives the server's internal errors (nil discards them).
func Serve(ctx context.Context, ln net.Listener, h http.Handler, cfg ServerConfig, logger *slog.Logger) error {
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		// Requests must not see the serve context's cancellation: shutdown
		// lets them finish instead.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		// Serve never returns nil; ErrServerClosed cannot happen here
		// because only this function shuts the server down.
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}

	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	<-errc // Serve returns ErrServerClosed as soon as Shutdown starts.
	if err != nil {
		_ = srv.Close()
		if errors.Is(err, context.DeadlineExceeded) {
			return ErrShutdownTimeout
		}
		return fmt.Errorf("http server shutdown: %w", err)
	}
	return nil
}
