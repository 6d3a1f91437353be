package config

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	readFile := filepath.Join(dir, "read-tokens")
	if err := os.WriteFile(readFile, []byte("# PR pipelines\nr-file-1\n\nr-file-2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	writeFile := filepath.Join(dir, "write-tokens")
	if err := os.WriteFile(writeFile, []byte("w-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		env     map[string]string
		check   func(t *testing.T, c Config)
		wantErr []string
	}{
		{name: "defaults", env: map[string]string{EnvWriteTokens: "w"}, check: func(t *testing.T, c Config) {
			want := Config{
				Addr: ":8080", LogLevel: "info", ShutdownTimeout: 30 * time.Second, StallTimeout: time.Minute,
				WriteTokens: []string{"w"}, MaxEntryBytes: 2 << 30, Store: "fs",
				FS: FS{Dir: "./data/cache", MaxBytes: 10 << 30, MaxAge: 7 * 24 * time.Hour, EvictInterval: 10 * time.Minute,
					ScrubRate: 16 << 20, ScrubInterval: 24 * time.Hour},
			}
			if c.Addr != want.Addr || c.LogLevel != want.LogLevel || c.ShutdownTimeout != want.ShutdownTimeout ||
				c.StallTimeout != want.StallTimeout || !slices.Equal(c.WriteTokens, want.WriteTokens) ||
				len(c.ReadTokens) != 0 || c.MaxEntryBytes != want.MaxEntryBytes || c.Store != want.Store ||
				c.FS != want.FS || c.AllowAnonymousRead || c.MinFreeBytes != 1<<30 {
				t.Fatalf("got %+v\nwant %+v", c, want)
			}
		}},
		{name: "tokens from env and files", env: map[string]string{
			EnvReadTokens: "r1, r2", EnvReadTokensFile: readFile,
			EnvWriteTokens: "w1", EnvWriteTokensFile: writeFile,
		}, check: func(t *testing.T, c Config) {
			if !slices.Equal(c.ReadTokens, []string{"r1", "r2", "r-file-1", "r-file-2"}) ||
				!slices.Equal(c.WriteTokens, []string{"w1", "w-file"}) {
				t.Fatalf("read %q write %q", c.ReadTokens, c.WriteTokens)
			}
		}},
		{name: "read tokens only", env: map[string]string{EnvReadTokens: "r"}, check: func(t *testing.T, c Config) {
			if len(c.ReadTokens) != 1 || len(c.WriteTokens) != 0 {
				t.Fatalf("%+v", c)
			}
		}},
		{name: "anonymous read without tokens", env: map[string]string{EnvAllowAnonymousRead: "true"}, check: func(t *testing.T, c Config) {
			if !c.AllowAnonymousRead {
				t.Fatal("not anonymous")
			}
		}},
		{name: "no tokens at all", env: map[string]string{}, wantErr: []string{"CACHE_WRITE_TOKENS: no tokens are configured"}},
		{name: "blank tokens count as none", env: map[string]string{EnvWriteTokens: " , ,"}, wantErr: []string{"no tokens are configured"}},
		{name: "missing token file", env: map[string]string{EnvWriteTokensFile: filepath.Join(dir, "nope")},
			wantErr: []string{"CACHE_WRITE_TOKENS_FILE=", "cannot be read", "no tokens are configured"}},
		{name: "sizes and durations", env: map[string]string{
			EnvWriteTokens: "w", EnvMaxEntryBytes: "512MiB", EnvMaxBytes: "100GB", EnvMaxAge: "72h", EnvEvictInterval: "1m",
			EnvScrubRate: "64MiB", EnvScrubInterval: "6h",
		}, check: func(t *testing.T, c Config) {
			if c.MaxEntryBytes != 512<<20 || c.FS.MaxBytes != 100e9 || c.FS.MaxAge != 72*time.Hour || c.FS.EvictInterval != time.Minute ||
				c.FS.ScrubRate != 64<<20 || c.FS.ScrubInterval != 6*time.Hour {
				t.Fatalf("%+v", c)
			}
		}},
		{name: "limits off", env: map[string]string{EnvWriteTokens: "w", EnvMaxBytes: "0", EnvMaxAge: "0s", EnvMinFreeBytes: "0"}, check: func(t *testing.T, c Config) {
			if c.FS.MaxBytes != 0 || c.FS.MaxAge != 0 || c.MinFreeBytes != 0 {
				t.Fatalf("%+v", c.FS)
			}
		}},
		{name: "bad values reported together", env: map[string]string{
			EnvWriteTokens: "w", EnvMaxEntryBytes: "lots", EnvMaxAge: "7d", EnvLogLevel: "chatty",
			EnvStallTimeout: "0s", EnvStore: "nfs",
		}, wantErr: []string{"CACHE_MAX_ENTRY_BYTES", "CACHE_MAX_AGE", "CACHE_LOG_LEVEL", "CACHE_STALL_TIMEOUT", `CACHE_STORE="nfs"`}},
		{name: "bad scrub settings", env: map[string]string{EnvWriteTokens: "w", EnvScrubRate: "fast", EnvScrubInterval: "0s"},
			wantErr: []string{"CACHE_SCRUB_RATE", "CACHE_SCRUB_INTERVAL"}},
		{name: "s3 with CACHE_S3_*", env: map[string]string{
			EnvWriteTokens: "w", EnvStore: "S3", EnvS3Endpoint: "https://s3.fr-par.scw.cloud", EnvS3Bucket: "b",
			EnvS3Region: "fr-par", EnvS3Prefix: "nx/", EnvS3AccessKey: "ak", EnvS3SecretKey: "sk",
			EnvAWSAccessKeyID: "aws-ak", EnvAWSSecretAccessKey: "aws-sk", EnvAWSRegion: "eu-west-1",
		}, check: func(t *testing.T, c Config) {
			want := S3{Endpoint: "https://s3.fr-par.scw.cloud", Bucket: "b", Region: "fr-par", Prefix: "nx/", AccessKey: "ak", SecretKey: "sk"}
			if c.Store != "s3" || c.S3 != want {
				t.Fatalf("got %+v", c.S3)
			}
		}},
		{name: "s3 with AWS_*", env: map[string]string{
			EnvWriteTokens: "w", EnvStore: "s3", EnvS3Bucket: "b",
			EnvAWSAccessKeyID: "aws-ak", EnvAWSSecretAccessKey: "aws-sk", EnvAWSSessionToken: "st",
			EnvAWSDefaultRegion: "eu-west-3", EnvAWSEndpointURL: "http://127.0.0.1:9000",
		}, check: func(t *testing.T, c Config) {
			want := S3{Endpoint: "http://127.0.0.1:9000", Bucket: "b", Region: "eu-west-3", AccessKey: "aws-ak", SecretKey: "aws-sk", SessionToken: "st"}
			if c.S3 != want {
				t.Fatalf("got %+v", c.S3)
			}
		}},
		{name: "s3 defaults to AWS", env: map[string]string{EnvWriteTokens: "w", EnvStore: "s3", EnvS3Bucket: "b"}, check: func(t *testing.T, c Config) {
			if c.S3.Endpoint != "s3.amazonaws.com" || c.S3.AccessKey != "" {
				t.Fatalf("got %+v", c.S3)
			}
		}},
		{name: "s3 problems", env: map[string]string{
			EnvWriteTokens: "w", EnvStore: "s3", EnvS3AccessKey: "ak", EnvMaxEntryBytes: "6GiB",
		}, wantErr: []string{"CACHE_S3_BUCKET: is required", "CACHE_S3_SECRET_KEY: is required", "at most 5GiB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(func(k string) string { return tt.env[k] })
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("no error, config %+v", c)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error lacks %q:\n%v", w, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestLogValueHidesSecrets(t *testing.T) {
	c, err := Load(func(k string) string {
		return map[string]string{
			EnvReadTokens: "read-secret", EnvWriteTokens: "write-secret", EnvStore: "s3", EnvS3Bucket: "b",
			EnvS3AccessKey: "access-secret", EnvS3SecretKey: "secret-secret", EnvS3SessionToken: "session-secret",
		}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", slog.Any("config", c))
	out := buf.String()
	if strings.Contains(out, "secret") {
		t.Fatalf("secret logged: %s", out)
	}
	for _, w := range []string{`"readTokens":1`, `"writeTokens":1`, `"s3Bucket":"b"`, `"s3StaticCredentials":true`} {
		if !strings.Contains(out, w) {
			t.Errorf("log lacks %s: %s", w, out)
		}
	}
}
