package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"

	"slipway/apps/api/internal/config"
	"slipway/apps/api/internal/server"
	"slipway/apps/api/internal/store/sqlite"
	"slipway/libs/httpx"
	"slipway/libs/logging"
)

// run starts the API and blocks until ctx is cancelled, then shuts down
// gracefully. args are the command-line arguments including the program
// name; getenv supplies the API_* configuration; logs (JSON) and the
// -version output go to stdout. Once listening, it logs a "listening"
// record whose "addr" is the actual address (useful with API_ADDR=:0).
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stdout)
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s [-version]\n\n"+
			"Slipway build ledger API. Configured by environment variables:\n"+
			"  %s (default %q)\n  %s (default %q)\n  %s (comma-separated bearer tokens; empty refuses writes)\n"+
			"  %s (default %d)\n  %s (default %q)\n  %s (default %s)\n\nFlags:\n",
			fs.Name(),
			config.EnvAddr, config.DefaultAddr, config.EnvDataDir, config.DefaultDataDir, config.EnvWriteTokens,
			config.EnvMaxBodyBytes, config.DefaultMaxBodyBytes, config.EnvLogLevel, config.DefaultLogLevel,
			config.EnvShutdownTimeout, config.DefaultShutdownTimeout)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if *showVersion {
		_, err := fmt.Fprintf(stdout, "api %s\n", version)
		return err
	}

	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	logger, err := logging.New(stdout, cfg.LogLevel)
	if err != nil {
		return err // unreachable: config.Load validated the level
	}
	logger.Info("starting api", slog.String("version", version), slog.String("go", runtime.Version()), slog.Any("config", cfg))
	if len(cfg.WriteTokens) == 0 {
		logger.Warn(config.EnvWriteTokens + " is empty: POST /api/v1/builds will answer 401 until it is set")
	}

	store, err := sqlite.Open(ctx, cfg.DataDir, logger)
	if err != nil {
		return err
	}
	defer store.Close()

	srv := server.New(store, logger, httpx.NewTokenSet(cfg.WriteTokens...), server.Config{
		Version:      version,
		MaxBodyBytes: cfg.MaxBodyBytes,
	})

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	logger.Info("listening", slog.String("addr", ln.Addr().String()))

	err = httpx.Serve(ctx, ln, srv, httpx.ServerConfig{ShutdownTimeout: cfg.ShutdownTimeout}, logger)
	if err != nil {
		logger.Error("server stopped with an error", slog.Any("err", err))
		return err
	}
	logger.Info("stopped")
	return nil
}
