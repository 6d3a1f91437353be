package testkit

import (
	"os"
	"testing"
)

// Need reports a missing prerequisite of a test (a server, a tool): it skips
// t with why, which should say how to provide it, except under CI=true, where
// it fails t, because CI must run every test and a skip would pass unseen.
func Need(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why + " (CI=true: every test must run, so a missing prerequisite fails it)")
	}
	t.Skip(why)
}
