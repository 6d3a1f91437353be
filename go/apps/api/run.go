package main

import (
	"context"
	"io"

	"slipway/apps/api/internal/config"
	"slipway/apps/api/internal/server"
	"slipway/apps/api/internal/store"
	"slipway/libs/envconfig"
	"slipway/libs/httpx"
	"slipway/libs/service"
)

// run starts the API and blocks until ctx is cancelled, then shuts down
// gracefully. args are the command-line arguments including the program
// name; getenv supplies the API_* configuration; logs (JSON) and the
// -version output go to stdout. Once listening, it logs a "listening"
// record whose "addr" is the actual address (useful with API_ADDR=:0).
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cmd := service.Command{Name: "api", Version: version, Help: help()}
	if done, err := cmd.ParseArgs(args, stdout); done || err != nil {
		return err
	}

	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	logger, err := cmd.StartLogger(stdout, cfg.LogLevel, cfg)
	if err != nil {
		return err // unreachable: config.Load validated the level
	}
	if len(cfg.WriteTokens) == 0 {
		logger.Warn(config.EnvWriteTokens + " is empty: POST /api/v1/builds will answer 401 until it is set")
	}

	st, err := store.Open(ctx, store.Config{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir}, logger)
	if err != nil {
		return err
	}
	defer st.Close()

	srv := server.New(st, logger, httpx.NewTokenSet(cfg.WriteTokens...), server.Config{
		Version:      version,
		MaxBodyBytes: cfg.MaxBodyBytes,
	})

	ln, err := service.Listen(ctx, cfg.Addr, logger)
	if err != nil {
		return err
	}

	err = httpx.Serve(ctx, ln, srv, httpx.ServerConfig{ShutdownTimeout: cfg.ShutdownTimeout}, logger)
	return service.Stopped(logger, err)
}

// help describes the service and its environment variables for -h.
func help() string {
	return "Slipway build ledger API. Configured by environment variables:\n" + envconfig.Usage(config.Vars)
}
