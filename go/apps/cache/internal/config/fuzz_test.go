package config

import (
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary values to the variables that are parsed (sizes,
// durations, booleans, the store kind): Load either refuses them, naming
// the variable, or returns a configuration the server can run with.
func FuzzLoad(f *testing.F) {
	f.Add("2GiB", "1GiB", "1m", "fs", "168h", "false")
	f.Add("0", "-1", "0s", "s3", "-5m", "yes")
	f.Add("9223372036854775807", "18446744073709551616", "1ns", "S3", "1e9h", "TRUE")
	f.Add("1.5MiB", "10 KB", "1h1m", "nfs", "", "1")
	f.Add("6GiB", "0", "1s", "s3", "0", "true")
	f.Fuzz(func(t *testing.T, maxEntry, minFree, stall, kind, maxAge, anon string) {
		env := map[string]string{
			EnvWriteTokens: "w", EnvMaxEntryBytes: maxEntry, EnvMinFreeBytes: minFree, EnvStallTimeout: stall,
			EnvStore: kind, EnvMaxAge: maxAge, EnvAllowAnonymousRead: anon, EnvS3Bucket: "b",
		}
		c, err := Load(func(k string) string { return env[k] })
		if err != nil {
			if !strings.Contains(err.Error(), "CACHE_") {
				t.Fatalf("error names no variable: %v", err)
			}
			return
		}
		if c.MaxEntryBytes <= 0 || c.MinFreeBytes < 0 || c.StallTimeout <= 0 || c.ShutdownTimeout <= 0 {
			t.Fatalf("limits %+v", c)
		}
		switch c.Store {
		case StoreFS:
			if c.FS.MaxAge < 0 || c.FS.EvictInterval <= 0 {
				t.Fatalf("fs %+v", c.FS)
			}
		case StoreS3:
			if c.MaxEntryBytes > maxS3EntryBytes || c.S3.Bucket == "" {
				t.Fatalf("s3 %+v, max entry %d", c.S3, c.MaxEntryBytes)
			}
		default:
			t.Fatalf("store %q accepted", c.Store)
		}
	})
}
