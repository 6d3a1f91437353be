package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"slipway/apps/cache/internal/config"
	"slipway/apps/cache/internal/metrics"
	"slipway/apps/cache/internal/server"
	"slipway/apps/cache/internal/store"
	"slipway/apps/cache/internal/store/fsstore"
	"slipway/apps/cache/internal/store/s3store"
	"slipway/libs/httpx"
	"slipway/libs/service"
)

// Server timeouts. Entries can be gigabytes, so there is no ReadTimeout or
// WriteTimeout bounding a whole request: the headers must arrive within
// readHeaderTimeout, and then a transfer may take as long as it keeps
// moving (CACHE_STALL_TIMEOUT, httpx.ProgressDeadlines).
const (
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 2 * time.Minute
	// openTimeout bounds connecting to the object store at startup.
	openTimeout = 30 * time.Second
	// cleanupTimeout bounds the wait for interrupted handlers to clean up
	// after a shutdown that had to close connections.
	cleanupTimeout = 5 * time.Second
)

// run starts the cache server and blocks until ctx is cancelled, then
// shuts down gracefully: in-flight uploads and downloads get
// CACHE_SHUTDOWN_TIMEOUT to finish; interrupted ones leave nothing behind.
// args are the command-line arguments including the program name; getenv
// supplies the CACHE_* configuration; logs (JSON) and the -version output
// go to stdout. Once listening, it logs a "listening" record whose "addr"
// is the actual address (useful with CACHE_ADDR=127.0.0.1:0).
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cmd := service.Command{Name: "cache", Version: version, Help: help()}
	if done, err := cmd.ParseArgs(args, stdout); done || err != nil {
		return err
	}

	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	logs := newLogWriter(stdout)
	defer logs.Flush()
	logger, err := cmd.StartLogger(logs, cfg.LogLevel, cfg)
	if err != nil {
		return err // unreachable: config.Load validated the level
	}
	logger = slog.New(flushingHandler{logger.Handler(), logs})
	if len(cfg.WriteTokens) == 0 {
		logger.Warn("no write tokens: every PUT will be refused (" + config.EnvWriteTokens + ")")
	}

	// Background work (eviction) stops with bgCtx and is waited for.
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	var background sync.WaitGroup
	defer func() {
		stopBackground()
		background.Wait()
	}()

	st, err := openStore(ctx, bgCtx, &background, cfg, logger)
	if err != nil {
		return err
	}

	srv := server.New(st, logger, server.Tokens{
		Read:  httpx.NewTokenSet(cfg.ReadTokens...),
		Write: httpx.NewTokenSet(cfg.WriteTokens...),
	}, &metrics.Metrics{}, server.Config{
		Version:            version,
		MaxEntryBytes:      cfg.MaxEntryBytes,
		AllowAnonymousRead: cfg.AllowAnonymousRead,
		StallTimeout:       cfg.StallTimeout,
		RequestLog:         logs,
	})

	ln, err := service.Listen(ctx, cfg.Addr, logger)
	logs.Flush() // whoever started the server waits for "listening"
	if err != nil {
		return err
	}

	err = httpx.Serve(ctx, ln, srv, httpx.ServerConfig{
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       httpx.NoTimeout,
		WriteTimeout:      httpx.NoTimeout,
		IdleTimeout:       idleTimeout,
		ShutdownTimeout:   cfg.ShutdownTimeout,
	}, logger)
	if !srv.WaitIdle(cleanupTimeout) {
		logger.Warn("some requests were still running after shutdown")
	}
	return service.Stopped(logger, err)
}

// openStore opens the configured store. The file store's eviction loop
// and scrub run on bgCtx, counted in background.
func openStore(ctx, bgCtx context.Context, background *sync.WaitGroup, cfg config.Config, logger *slog.Logger) (store.Store, error) {
	switch cfg.Store {
	case config.StoreS3:
		openCtx, cancel := context.WithTimeout(ctx, openTimeout)
		defer cancel()
		return s3store.Open(openCtx, s3store.Options{
			Endpoint:     cfg.S3.Endpoint,
			Insecure:     cfg.S3.Insecure,
			Region:       cfg.S3.Region,
			Bucket:       cfg.S3.Bucket,
			Prefix:       cfg.S3.Prefix,
			AccessKey:    cfg.S3.AccessKey,
			SecretKey:    cfg.S3.SecretKey,
			SessionToken: cfg.S3.SessionToken,
			SpoolDir:     cfg.S3.SpoolDir,
			MinFreeBytes: cfg.MinFreeBytes,
			Logger:       logger,
		})
	default:
		fsStore, err := fsstore.Open(fsstore.Options{
			Dir:          cfg.FS.Dir,
			MaxBytes:     cfg.FS.MaxBytes,
			MaxAge:       cfg.FS.MaxAge,
			MinFreeBytes: cfg.MinFreeBytes,
			Logger:       logger,
		})
		if err != nil {
			return nil, err
		}
		st := fsStore.Stats()
		logger.Info("file store opened", slog.String("dir", fsStore.Dir()),
			slog.Int64("entries", st.Entries), slog.Int64("bytes", st.Bytes))
		background.Add(2)
		go func() {
			defer background.Done()
			fsStore.Run(bgCtx, cfg.FS.EvictInterval)
		}()
		go func() {
			defer background.Done()
			fsStore.Scrub(bgCtx, cfg.FS.ScrubRate, cfg.FS.ScrubInterval)
		}()
		return fsStore, nil
	}
}

// help describes the service and its environment variables for -h.
func help() string {
	return fmt.Sprintf(`Slipway's self-hosted Nx remote cache server (NX_SELF_HOSTED_REMOTE_CACHE_SERVER).
Configured by environment variables:
  %s (default %q)
  %s, %s: tokens that may GET (comma-separated; file: one per line, # comments)
  %s, %s: tokens that may GET and PUT
  %s (default false): GET without a token
  At least one token is required unless anonymous reads are allowed.
  %s (default %d; units such as 512MiB accepted)
  %s (default %d): below this much free space GET /readyz answers 503
  %s: fs (default) or s3
  fs: %s (default %q), %s (default %d), %s (default %s), %s (default %s),
      %s (bytes per second, default %d; 0: no scrub), %s (default %s)
  s3: %s, %s, %s, %s,
      %s, %s, %s, %s, %s
      (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION,
      AWS_ENDPOINT_URL_S3 serve when the CACHE_S3_* ones are unset)
  %s (default %q), %s (default %s), %s (default %s)
`,
		config.EnvAddr, config.DefaultAddr,
		config.EnvReadTokens, config.EnvReadTokensFile,
		config.EnvWriteTokens, config.EnvWriteTokensFile,
		config.EnvAllowAnonymousRead,
		config.EnvMaxEntryBytes, config.DefaultMaxEntryBytes,
		config.EnvMinFreeBytes, config.DefaultMinFreeBytes,
		config.EnvStore,
		config.EnvDir, config.DefaultDir, config.EnvMaxBytes, config.DefaultMaxBytes,
		config.EnvMaxAge, config.DefaultMaxAge, config.EnvEvictInterval, config.DefaultEvictInterval,
		config.EnvScrubRate, config.DefaultScrubRate, config.EnvScrubInterval, config.DefaultScrubInterval,
		config.EnvS3Endpoint, config.EnvS3Bucket, config.EnvS3Region, config.EnvS3Prefix,
		config.EnvS3AccessKey, config.EnvS3SecretKey, config.EnvS3SessionToken, config.EnvS3Insecure, config.EnvS3SpoolDir,
		config.EnvLogLevel, config.DefaultLogLevel, config.EnvShutdownTimeout, config.DefaultShutdownTimeout,
		config.EnvStallTimeout, config.DefaultStallTimeout)
}
