package testkit

import (
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB whose Fatal and Skip record their message and end
// the calling goroutine, as the real ones do, without ending the test.
type recorder struct {
	testing.TB
	fatal, skip string
}

// call runs fn(r) in a goroutine of its own and waits for it to end.
func (r *recorder) call(fn func(testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(r)
	}()
	<-done
}

func (r *recorder) Helper()           {}
func (r *recorder) Fatal(args ...any) { r.fatal = args[0].(string); runtime.Goexit() }
func (r *recorder) Skip(args ...any)  { r.skip = args[0].(string); runtime.Goexit() }

func TestNeed(t *testing.T) {
	const why = "no server: start one with tools/x/start.sh"
	tests := []struct {
		name      string
		ci        string
		wantFatal bool
	}{
		{name: "outside CI it skips", ci: "", wantFatal: false},
		{name: "CI=false skips", ci: "false", wantFatal: false},
		{name: "under CI=true it fails", ci: "true", wantFatal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			r := &recorder{TB: t}
			r.call(func(tb testing.TB) { Need(tb, why) })
			got := r.skip
			if tt.wantFatal {
				got = r.fatal
				if r.skip != "" {
					t.Errorf("skipped under CI=true: %q", r.skip)
				}
			} else if r.fatal != "" {
				t.Errorf("failed outside CI: %q", r.fatal)
			}
			if !strings.HasPrefix(got, why) {
				t.Errorf("message = %q, want it to start with %q", got, why)
			}
		})
	}
}
