// Package config loads the API's configuration from environment variables.
package config

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"slipway/libs/envconfig"
	"slipway/libs/logging"
)

// Environment variable names.
const (
	EnvAddr            = "API_ADDR"
	EnvDataDir         = "API_DATA_DIR"
	EnvDatabaseURL     = "DATABASE_URL"
	EnvWriteTokens     = "API_WRITE_TOKENS"
	EnvMaxBodyBytes    = "API_MAX_BODY_BYTES"
	EnvLogLevel        = "API_LOG_LEVEL"
	EnvShutdownTimeout = "API_SHUTDOWN_TIMEOUT"
)

// Defaults for unset variables.
const (
	DefaultAddr            = ":8080"
	DefaultDataDir         = "./data"
	DefaultMaxBodyBytes    = 64 << 10
	DefaultLogLevel        = "info"
	DefaultShutdownTimeout = 10 * time.Second
)

// Vars describes every variable Load reads: -h prints it, and a test holds
// the table of docs/api.md to it.
var Vars = []envconfig.Var{
	{Name: EnvAddr, Default: DefaultAddr, Meaning: "listen address"},
	{Name: EnvDataDir, Default: DefaultDataDir, Meaning: "directory of the SQLite database `ledger.db`"},
	{Name: EnvDatabaseURL, Unset: "SQLite", Meaning: "a `postgres://` URL: keep the ledger in PostgreSQL instead, for a team"},
	{Name: EnvWriteTokens, Unset: "writes refused", Meaning: "comma-separated bearer tokens allowed to record builds"},
	{Name: EnvMaxBodyBytes, Default: fmt.Sprint(DefaultMaxBodyBytes), Meaning: "largest accepted request body, in bytes"},
	{Name: EnvLogLevel, Default: DefaultLogLevel, Meaning: "`debug`, `info`, `warn` or `error`"},
	{Name: EnvShutdownTimeout, Default: DefaultShutdownTimeout.String(), Meaning: "how long in-flight requests get on SIGTERM"},
}

// Config is the API's configuration.
type Config struct {
	// Addr is the TCP listen address (API_ADDR), e.g. ":8080" or
	// "127.0.0.1:0" for a free port.
	Addr string
	// DataDir holds the SQLite database ledger.db (API_DATA_DIR); created
	// if missing. Unused when DatabaseURL is set.
	DataDir string
	// DatabaseURL (DATABASE_URL), when set, is the PostgreSQL database to
	// store the ledger in instead of SQLite, e.g.
	// postgres://ledger:secret@db.internal:5432/ledger.
	DatabaseURL string
	// WriteTokens are the bearer tokens allowed to record builds
	// (API_WRITE_TOKENS, comma-separated). Empty means writes are refused.
	WriteTokens []string
	// MaxBodyBytes caps request bodies (API_MAX_BODY_BYTES).
	MaxBodyBytes int64
	// LogLevel is debug, info, warn or error (API_LOG_LEVEL).
	LogLevel string
	// ShutdownTimeout bounds the graceful shutdown (API_SHUTDOWN_TIMEOUT,
	// a Go duration such as "10s").
	ShutdownTimeout time.Duration
}

// Load reads the configuration through getenv, applying defaults, and
// reports every invalid variable at once.
func Load(getenv func(string) string) (Config, error) {
	env := envconfig.New(getenv)
	c := Config{
		Addr:            env.String(EnvAddr, DefaultAddr),
		DataDir:         env.String(EnvDataDir, DefaultDataDir),
		DatabaseURL:     env.String(EnvDatabaseURL, ""),
		WriteTokens:     env.List(EnvWriteTokens, nil),
		MaxBodyBytes:    env.Int64(EnvMaxBodyBytes, DefaultMaxBodyBytes),
		LogLevel:        env.String(EnvLogLevel, DefaultLogLevel),
		ShutdownTimeout: env.Duration(EnvShutdownTimeout, DefaultShutdownTimeout),
	}
	if c.MaxBodyBytes <= 0 {
		env.Fail(EnvMaxBodyBytes, fmt.Sprint(c.MaxBodyBytes), "must be greater than 0")
	}
	if c.ShutdownTimeout <= 0 {
		env.Fail(EnvShutdownTimeout, c.ShutdownTimeout.String(), "must be greater than 0")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		env.Fail(EnvDatabaseURL, "(hidden)", "must be a postgres:// or postgresql:// URL")
	}
	if _, err := logging.ParseLevel(c.LogLevel); err != nil {
		env.Fail(EnvLogLevel, c.LogLevel, "must be debug, info, warn or error")
	}
	if err := env.Err(); err != nil {
		return Config{}, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return c, nil
}

// LogValue implements slog.LogValuer. It never logs the tokens themselves,
// only how many there are.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("storage", c.Storage()),
		slog.Int("writeTokens", len(c.WriteTokens)),
		slog.Int64("maxBodyBytes", c.MaxBodyBytes),
		slog.String("logLevel", c.LogLevel),
		slog.String("shutdownTimeout", c.ShutdownTimeout.String()),
	)
}

// Storage says where the ledger is kept, for logs: "postgres" (never the
// URL, which may hold a password) or "sqlite:" and the data directory.
func (c Config) Storage() string {
	if c.DatabaseURL != "" {
		return "postgres"
	}
	return "sqlite:" + c.DataDir
}
