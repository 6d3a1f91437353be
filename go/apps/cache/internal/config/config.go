// Package config loads the cache server's configuration from environment
// variables.
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
	EnvAddr               = "CACHE_ADDR"
	EnvLogLevel           = "CACHE_LOG_LEVEL"
	EnvShutdownTimeout    = "CACHE_SHUTDOWN_TIMEOUT"
	EnvStallTimeout       = "CACHE_STALL_TIMEOUT"
	EnvReadTokens         = "CACHE_READ_TOKENS"
	EnvWriteTokens        = "CACHE_WRITE_TOKENS"
	EnvReadTokensFile     = "CACHE_READ_TOKENS_FILE"
	EnvWriteTokensFile    = "CACHE_WRITE_TOKENS_FILE"
	EnvAllowAnonymousRead = "CACHE_ALLOW_ANONYMOUS_READ"
	EnvMaxEntryBytes      = "CACHE_MAX_ENTRY_BYTES"
	EnvStore              = "CACHE_STORE"
	EnvMinFreeBytes       = "CACHE_MIN_FREE_BYTES"

	EnvDir           = "CACHE_DIR"
	EnvMaxBytes      = "CACHE_MAX_BYTES"
	EnvMaxAge        = "CACHE_MAX_AGE"
	EnvEvictInterval = "CACHE_EVICT_INTERVAL"
	EnvScrubRate     = "CACHE_SCRUB_RATE"
	EnvScrubInterval = "CACHE_SCRUB_INTERVAL"

	EnvS3Endpoint     = "CACHE_S3_ENDPOINT"
	EnvS3Bucket       = "CACHE_S3_BUCKET"
	EnvS3Region       = "CACHE_S3_REGION"
	EnvS3Prefix       = "CACHE_S3_PREFIX"
	EnvS3AccessKey    = "CACHE_S3_ACCESS_KEY"
	EnvS3SecretKey    = "CACHE_S3_SECRET_KEY"
	EnvS3SessionToken = "CACHE_S3_SESSION_TOKEN"
	EnvS3Insecure     = "CACHE_S3_INSECURE"
	EnvS3SpoolDir     = "CACHE_S3_SPOOL_DIR"

	// The standard AWS names, used when the CACHE_S3_* ones are unset.
	EnvAWSAccessKeyID     = "AWS_ACCESS_KEY_ID"
	EnvAWSSecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	EnvAWSSessionToken    = "AWS_SESSION_TOKEN"
	EnvAWSRegion          = "AWS_REGION"
	EnvAWSDefaultRegion   = "AWS_DEFAULT_REGION"
	EnvAWSEndpointURLS3   = "AWS_ENDPOINT_URL_S3"
	EnvAWSEndpointURL     = "AWS_ENDPOINT_URL"
)

// Store kinds (CACHE_STORE).
const (
	StoreFS = "fs"
	StoreS3 = "s3"
)

// Defaults for unset variables.
const (
	DefaultAddr            = ":8080"
	DefaultLogLevel        = "info"
	DefaultShutdownTimeout = 30 * time.Second
	DefaultStallTimeout    = time.Minute
	DefaultMaxEntryBytes   = 2 << 30
	DefaultStore           = StoreFS
	DefaultMinFreeBytes    = 1 << 30
	DefaultDir             = "./data/cache"
	DefaultMaxBytes        = 10 << 30
	DefaultMaxAge          = 7 * 24 * time.Hour
	DefaultEvictInterval   = 10 * time.Minute
	DefaultScrubRate       = 16 << 20
	DefaultScrubInterval   = 24 * time.Hour
)

// maxS3EntryBytes is the largest object one S3 PutObject takes (5 GiB).
const maxS3EntryBytes = 5 << 30

// Config is the cache server's configuration.
type Config struct {
	// Addr is the TCP listen address (CACHE_ADDR).
	Addr string
	// LogLevel is debug, info, warn or error (CACHE_LOG_LEVEL).
	LogLevel string
	// ShutdownTimeout bounds the graceful shutdown in which in-flight
	// uploads and downloads may finish (CACHE_SHUTDOWN_TIMEOUT).
	ShutdownTimeout time.Duration
	// StallTimeout ends a request whose body or response makes no progress
	// for this long (CACHE_STALL_TIMEOUT); there is no limit on the total
	// duration of a transfer.
	StallTimeout time.Duration

	// ReadTokens may GET; WriteTokens may GET and PUT. Each comes from
	// CACHE_{READ,WRITE}_TOKENS (comma-separated) and
	// CACHE_{READ,WRITE}_TOKENS_FILE (one per line, # comments), combined.
	ReadTokens, WriteTokens []string
	// AllowAnonymousRead lets GET through without a token
	// (CACHE_ALLOW_ANONYMOUS_READ); writes always need a write token.
	AllowAnonymousRead bool
	// MaxEntryBytes caps one entry (CACHE_MAX_ENTRY_BYTES).
	MaxEntryBytes int64

	// MinFreeBytes is the free space, in the cache directory or the S3
	// spool directory, below which GET /readyz answers 503
	// (CACHE_MIN_FREE_BYTES; 0: no minimum).
	MinFreeBytes int64

	// Store is "fs" or "s3" (CACHE_STORE).
	Store string
	// FS configures the file store.
	FS FS
	// S3 configures the object store.
	S3 S3
}

// FS is the file store's configuration.
type FS struct {
	// Dir is the cache directory (CACHE_DIR).
	Dir string
	// MaxBytes is the budget for all entries (CACHE_MAX_BYTES; 0: none).
	MaxBytes int64
	// MaxAge evicts entries unused for longer (CACHE_MAX_AGE; 0: none).
	MaxAge time.Duration
	// EvictInterval is the period of the eviction pass
	// (CACHE_EVICT_INTERVAL); passes also follow writes over budget.
	EvictInterval time.Duration
	// ScrubRate bounds the background re-verification of every entry, in
	// bytes read per second (CACHE_SCRUB_RATE; 0: no scrub).
	ScrubRate int64
	// ScrubInterval is the time from the start of one scrub pass to the
	// next (CACHE_SCRUB_INTERVAL).
	ScrubInterval time.Duration
}

// S3 is the object store's configuration.
type S3 struct {
	// Endpoint is host[:port] or an http(s) URL (CACHE_S3_ENDPOINT, else
	// AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL; AWS S3 when all are unset).
	Endpoint string
	// Bucket must exist (CACHE_S3_BUCKET).
	Bucket string
	// Region (CACHE_S3_REGION, else AWS_REGION or AWS_DEFAULT_REGION).
	Region string
	// Prefix is prepended to object keys (CACHE_S3_PREFIX).
	Prefix string
	// AccessKey, SecretKey, SessionToken (CACHE_S3_ACCESS_KEY, ... else
	// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); with
	// no access key the instance's IAM role is used.
	AccessKey, SecretKey, SessionToken string
	// Insecure uses plain HTTP (CACHE_S3_INSECURE), for local servers.
	Insecure bool
	// SpoolDir holds entries in transit (CACHE_S3_SPOOL_DIR; default the
	// system temporary directory).
	SpoolDir string
}

// Load reads the configuration through getenv, applying defaults, and
// reports every invalid variable at once. Token files are read here.
func Load(getenv func(string) string) (Config, error) {
	env := envconfig.New(getenv)
	c := Config{
		Addr:               env.String(EnvAddr, DefaultAddr),
		LogLevel:           env.String(EnvLogLevel, DefaultLogLevel),
		ShutdownTimeout:    env.Duration(EnvShutdownTimeout, DefaultShutdownTimeout),
		StallTimeout:       env.Duration(EnvStallTimeout, DefaultStallTimeout),
		ReadTokens:         append(env.List(EnvReadTokens, nil), env.FileLines(EnvReadTokensFile)...),
		WriteTokens:        append(env.List(EnvWriteTokens, nil), env.FileLines(EnvWriteTokensFile)...),
		AllowAnonymousRead: env.Bool(EnvAllowAnonymousRead, false),
		MaxEntryBytes:      env.Bytes(EnvMaxEntryBytes, DefaultMaxEntryBytes),
		MinFreeBytes:       env.Bytes(EnvMinFreeBytes, DefaultMinFreeBytes),
		Store:              strings.ToLower(env.String(EnvStore, DefaultStore)),
		FS: FS{
			Dir:           env.String(EnvDir, DefaultDir),
			MaxBytes:      env.Bytes(EnvMaxBytes, DefaultMaxBytes),
			MaxAge:        env.Duration(EnvMaxAge, DefaultMaxAge),
			EvictInterval: env.Duration(EnvEvictInterval, DefaultEvictInterval),
			ScrubRate:     env.Bytes(EnvScrubRate, DefaultScrubRate),
			ScrubInterval: env.Duration(EnvScrubInterval, DefaultScrubInterval),
		},
	}
	first := func(names ...string) string {
		for _, n := range names {
			if v := env.String(n, ""); v != "" {
				return v
			}
		}
		return ""
	}
	c.S3 = S3{
		Endpoint:     first(EnvS3Endpoint, EnvAWSEndpointURLS3, EnvAWSEndpointURL),
		Bucket:       env.String(EnvS3Bucket, ""),
		Region:       first(EnvS3Region, EnvAWSRegion, EnvAWSDefaultRegion),
		Prefix:       env.String(EnvS3Prefix, ""),
		AccessKey:    first(EnvS3AccessKey, EnvAWSAccessKeyID),
		SecretKey:    first(EnvS3SecretKey, EnvAWSSecretAccessKey),
		SessionToken: first(EnvS3SessionToken, EnvAWSSessionToken),
		Insecure:     env.Bool(EnvS3Insecure, false),
		SpoolDir:     env.String(EnvS3SpoolDir, ""),
	}

	positive := func(name string, d time.Duration) {
		if d <= 0 {
			env.Fail(name, d.String(), "must be greater than 0")
		}
	}
	positive(EnvShutdownTimeout, c.ShutdownTimeout)
	positive(EnvStallTimeout, c.StallTimeout)
	if c.MaxEntryBytes <= 0 {
		env.Fail(EnvMaxEntryBytes, fmt.Sprint(c.MaxEntryBytes), "must be greater than 0")
	}
	if c.MinFreeBytes < 0 {
		env.Fail(EnvMinFreeBytes, fmt.Sprint(c.MinFreeBytes), "must be 0 (no minimum) or more")
	}
	if _, err := logging.ParseLevel(c.LogLevel); err != nil {
		env.Fail(EnvLogLevel, c.LogLevel, "must be debug, info, warn or error")
	}
	if len(c.ReadTokens)+len(c.WriteTokens) == 0 && !c.AllowAnonymousRead {
		env.Fail(EnvWriteTokens, "", "no tokens are configured: set "+EnvWriteTokens+" and/or "+EnvReadTokens+
			" (or their _FILE variants); "+EnvAllowAnonymousRead+"=true serves reads without a token")
	}
	switch c.Store {
	case StoreFS:
		if c.FS.MaxAge < 0 {
			env.Fail(EnvMaxAge, c.FS.MaxAge.String(), "must be 0 (no limit) or more")
		}
		positive(EnvEvictInterval, c.FS.EvictInterval)
		positive(EnvScrubInterval, c.FS.ScrubInterval)
		if c.FS.ScrubRate < 0 {
			env.Fail(EnvScrubRate, fmt.Sprint(c.FS.ScrubRate), "must be 0 (no scrub) or more bytes per second")
		}
	case StoreS3:
		if c.S3.Bucket == "" {
			env.Fail(EnvS3Bucket, "", "is required when "+EnvStore+"=s3")
		}
		if c.S3.Endpoint == "" {
			c.S3.Endpoint = "s3.amazonaws.com"
		}
		if c.S3.AccessKey != "" && c.S3.SecretKey == "" {
			env.Fail(EnvS3SecretKey, "", "is required with an access key")
		}
		if c.MaxEntryBytes > maxS3EntryBytes {
			env.Fail(EnvMaxEntryBytes, fmt.Sprint(c.MaxEntryBytes), "must be at most 5GiB with "+EnvStore+"=s3 (one PutObject)")
		}
	default:
		env.Fail(EnvStore, c.Store, `must be "fs" or "s3"`)
	}
	if err := env.Err(); err != nil {
		return Config{}, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return c, nil
}

// LogValue implements slog.LogValuer. It never logs tokens or secrets,
// only how many tokens there are and whether credentials are set.
func (c Config) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("addr", c.Addr),
		slog.String("logLevel", c.LogLevel),
		slog.String("shutdownTimeout", c.ShutdownTimeout.String()),
		slog.String("stallTimeout", c.StallTimeout.String()),
		slog.Int("readTokens", len(c.ReadTokens)),
		slog.Int("writeTokens", len(c.WriteTokens)),
		slog.Bool("allowAnonymousRead", c.AllowAnonymousRead),
		slog.Int64("maxEntryBytes", c.MaxEntryBytes),
		slog.Int64("minFreeBytes", c.MinFreeBytes),
		slog.String("store", c.Store),
	}
	switch c.Store {
	case StoreFS:
		attrs = append(attrs,
			slog.String("dir", c.FS.Dir),
			slog.Int64("maxBytes", c.FS.MaxBytes),
			slog.String("maxAge", c.FS.MaxAge.String()),
			slog.String("evictInterval", c.FS.EvictInterval.String()),
			slog.Int64("scrubRate", c.FS.ScrubRate),
			slog.String("scrubInterval", c.FS.ScrubInterval.String()))
	case StoreS3:
		attrs = append(attrs,
			slog.String("s3Endpoint", c.S3.Endpoint),
			slog.String("s3Bucket", c.S3.Bucket),
			slog.String("s3Region", c.S3.Region),
			slog.String("s3Prefix", c.S3.Prefix),
			slog.Bool("s3StaticCredentials", c.S3.AccessKey != ""),
			slog.Bool("s3Insecure", c.S3.Insecure))
	}
	return slog.GroupValue(attrs...)
}
