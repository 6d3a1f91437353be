//go:build !linux

package storetest

import (
	"os"
	"testing"
)

// ReadOnly is available on Linux only; elsewhere the test is skipped, and
// fails under CI=true (CI runs on Linux, so a skip there would hide a fault).
func ReadOnly(t *testing.T, dir string) {
	linuxOnly(t, "read-only directories are simulated on Linux only")
}

// Full is available on Linux only; elsewhere the test is skipped, and fails
// under CI=true.
func Full(t *testing.T) string {
	linuxOnly(t, "a full file system is simulated on Linux only")
	return ""
}

// linuxOnly is testkit.Need's rule, written out: storetest is not a _test.go
// file, so it may not import the test-only library.
func linuxOnly(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why + " (CI=true: every test must run)")
	}
	t.Skip(why)
}
