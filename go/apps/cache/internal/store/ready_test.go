package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"slipway/apps/cache/internal/store"
	"slipway/apps/cache/internal/store/storetest"
)

func TestProbeDir(t *testing.T) {
	tests := []struct {
		name    string
		dir     func(t *testing.T) string
		minFree int64
		want    string // "" for ready
	}{
		{"writable", func(t *testing.T) string { return t.TempDir() }, 1 << 20, ""},
		{"less free space than required", func(t *testing.T) string { return t.TempDir() }, 1 << 60,
			"not ready: the test directory has "},
		{"read-only", func(t *testing.T) string {
			dir := t.TempDir()
			storetest.ReadOnly(t, dir)
			return dir
		}, 0, "not ready: cannot create a file in the test directory ("},
		{"full", storetest.Full, 0, "not ready: cannot write in the test directory (no space left on device)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.dir(t)
			err := store.ProbeDir(dir, "", "the test directory", tt.minFree)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("ProbeDir: %v", err)
				}
			} else if !errors.Is(err, store.ErrNotReady) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("ProbeDir: %v, want ErrNotReady starting %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), dir) {
				t.Fatalf("the message names the path: %v", err)
			}
			if ents, _ := os.ReadDir(dir); len(ents) > 1 || len(ents) == 1 && ents[0].Name() != "filler" {
				t.Fatalf("probe left %v", ents)
			}
		})
	}
}

// TestProbeDirPublish links the probe into a second directory, as the
// file store publishes: a read-only entry directory fails it although the
// temporary directory is writable.
func TestProbeDirPublish(t *testing.T) {
	tmp, entries := t.TempDir(), filepath.Join(t.TempDir(), "entries")
	if err := os.Mkdir(entries, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := store.ProbeDir(tmp, entries, "the cache directory", 0); err != nil {
		t.Fatal(err)
	}
	storetest.ReadOnly(t, entries)
	err := store.ProbeDir(tmp, entries, "the cache directory", 0)
	if !errors.Is(err, store.ErrNotReady) || !strings.Contains(err.Error(), "cannot add a name to the cache directory") {
		t.Fatalf("ProbeDir: %v", err)
	}
}
