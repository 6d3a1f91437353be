// Package testkit holds helpers for the tests of Slipway's Go services and
// libraries: a concurrency-safe log buffer (SyncBuffer), a JSON log
// collector (Logs), a whole service started on its run function (Start),
// the calls of a run function that return at once (RunCases), an HTTP
// round trip that fails the test on error (Do), a directory listing
// (DirNames) and the skip-or-fail rule for missing prerequisites (Need).
//
// It is imported only by _test.go files, so none of it ends up in a
// service binary. Of Slipway's libraries it imports only service (and so
// logging), so that the tests of the others, httpx's from inside package
// httpx, can use it without an import cycle.
package testkit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"slipway/libs/service"
)

// SyncBuffer is a bytes.Buffer that is safe for concurrent use, e.g. as
// the output of a logger that server goroutines write to while the test
// reads it. The zero value is ready to use.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p to the buffer.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Logs collects the JSON log lines (one record a line, as log/slog's
// JSONHandler writes them) of a service. It is safe for concurrent use,
// and announces the address of the service's first "listening" record
// (see service.Listen) to Start. Create it with NewLogs.
type Logs struct {
	buf   SyncBuffer
	addrc chan string
}

// NewLogs returns an empty Logs.
func NewLogs() *Logs { return &Logs{addrc: make(chan string, 1)} }

// Write appends p, which holds whole log lines.
func (l *Logs) Write(p []byte) (int, error) {
	l.buf.Write(p)
	sc := bufio.NewScanner(bytes.NewReader(p))
	for sc.Scan() {
		var rec struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "listening" {
			select {
			case l.addrc <- rec.Addr:
			default:
			}
		}
	}
	return len(p), nil
}

// String returns every line written so far.
func (l *Logs) String() string { return l.buf.String() }

// Records returns every record whose "msg" is msg, decoded, in order.
func (l *Logs) Records(msg string) []map[string]any {
	var out []map[string]any
	for line := range strings.SplitSeq(l.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// Timeout bounds how long Start waits for a service to listen, and how
// long Instance.Wait waits for it to return.
const Timeout = 30 * time.Second

// timeout is Timeout, shortened by this package's tests.
var timeout = Timeout

// Instance is a service started by Start.
type Instance struct {
	// Addr is the address from the "listening" record, e.g.
	// "127.0.0.1:41234".
	Addr string
	// Base is "http://" + Addr.
	Base string
	// Logs holds what the service logged.
	Logs *Logs

	t      testing.TB
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	result error
}

// Cancel starts the service's shutdown by cancelling its context.
func (i *Instance) Cancel() { i.cancel() }

// Wait waits for the service's run function to return and returns its
// result; it fails the test if that takes longer than Timeout. Later calls
// return the same result at once.
func (i *Instance) Wait() error {
	i.t.Helper()
	i.once.Do(func() {
		select {
		case i.result = <-i.done:
		case <-time.After(timeout):
			i.t.Fatalf("run did not return within %s of cancel", timeout)
		}
	})
	return i.result
}

// Stop shuts the service down (Cancel, then Wait) and returns run's
// result.
func (i *Instance) Stop() error {
	i.t.Helper()
	i.Cancel()
	return i.Wait()
}

// StopCleanly stops the service and fails the test unless the shutdown
// was clean: run returned nil, the service logged one "stopped" record
// (see service.Stopped) and its address refuses connections.
func (i *Instance) StopCleanly() {
	i.t.Helper()
	if err := i.Stop(); err != nil {
		i.t.Fatalf("run returned %v\n%s", err, i.Logs)
	}
	if n := len(i.Logs.Records("stopped")); n != 1 {
		i.t.Fatalf("%d clean stops logged:\n%s", n, i.Logs)
	}
	if c, err := net.DialTimeout("tcp", i.Addr, time.Second); err == nil {
		c.Close()
		i.t.Fatal("still accepting connections after shutdown")
	}
}

// Start runs a service's run function in a goroutine with args (the
// program name first) and the environment env, and waits until it logs
// its "listening" record. env should make the service listen on a free
// port, e.g. "127.0.0.1:0". Start fails the test if run returns first or
// does not listen within Timeout. The service is stopped when the test
// ends, unless the test stopped it already.
func Start(t testing.TB, run service.RunFunc, args []string, env map[string]string) *Instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := NewLogs()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, func(k string) string { return env[k] }, logs)
	}()
	var addr string
	select {
	case addr = <-logs.addrc:
	case err := <-done:
		cancel()
		t.Fatalf("run returned before listening: %v\n%s", err, logs)
	case <-time.After(timeout):
		cancel()
		t.Fatalf("no listening record within %s:\n%s", timeout, logs)
	}
	inst := &Instance{Addr: addr, Base: "http://" + addr, Logs: logs, t: t, cancel: cancel, done: done}
	t.Cleanup(func() { _ = inst.Stop() })
	return inst
}

// DirNames returns the names of the entries of dir, sorted, or nil if it
// is empty. An error, such as a missing dir, fails the test.
func DirNames(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TempDir, as a value in RunCase.Env, stands for a fresh temporary
// directory.
const TempDir = "<tempdir>"

// RunCase is a call of a service's run function that returns without
// serving: -version, -h, a bad flag or argument, a configuration error, a
// failure to start.
type RunCase struct {
	// Name names the subtest.
	Name string
	// Args are the command-line arguments, the program name first.
	Args []string
	// Env is the environment; a value TempDir is replaced by a fresh
	// temporary directory.
	Env map[string]string
	// WantOut must occur in what run writes to stdout when WantErr is
	// empty.
	WantOut string
	// WantErr must occur in the error run returns; empty means run must
	// return nil.
	WantErr string
}

// RunCases calls run once per case, in a subtest each, with a context
// that is never cancelled, and checks its error or output.
func RunCases(t *testing.T, run service.RunFunc, cases []RunCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			var out bytes.Buffer
			dir := t.TempDir()
			getenv := func(k string) string {
				if tt.Env[k] == TempDir {
					return dir
				}
				return tt.Env[k]
			}
			err := run(context.Background(), tt.Args, getenv, &out)
			if tt.WantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.WantErr) {
					t.Fatalf("err %v, want %q", err, tt.WantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.WantOut) {
				t.Fatalf("output %q lacks %q", out.String(), tt.WantOut)
			}
		})
	}
}

// Do sends req with client (http.DefaultClient if nil) and returns the
// response with its body read and closed. Any error fails the test.
func Do(t testing.TB, client *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}
