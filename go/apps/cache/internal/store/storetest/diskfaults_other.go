//go:build !linux

package storetest

import "testing"

// ReadOnly is available on Linux only; elsewhere the test is skipped.
func ReadOnly(t *testing.T, dir string) { t.Skip("read-only directories are simulated on Linux only") }

// Full is available on Linux only; elsewhere the test is skipped.
func Full(t *testing.T) string {
	t.Skip("a full file system is simulated on Linux only")
	return ""
}
