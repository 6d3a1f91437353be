package testkit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"slipway/libs/service"
)

// fakeTB records the failures of the helpers under test instead of
// failing the real test. Fatal and Fatalf end the calling goroutine, as
// the real ones do, so the helpers run in a goroutine of their own (see
// capture).
type fakeTB struct {
	testing.TB // the real test, for what fakeTB does not override

	mu       sync.Mutex
	fatals   []string
	cleanups []func()
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatal(args ...any) { f.fail(fmt.Sprint(args...)) }

func (f *fakeTB) Fatalf(format string, args ...any) { f.fail(fmt.Sprintf(format, args...)) }

func (f *fakeTB) fail(msg string) {
	f.mu.Lock()
	f.fatals = append(f.fatals, msg)
	f.mu.Unlock()
	runtime.Goexit()
}

func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

// capture runs fn and then the registered cleanups, last first, as the
// testing package would, and returns the failures.
func capture(t *testing.T, fn func(tb testing.TB)) []string {
	t.Helper()
	f := &fakeTB{TB: t}
	inGoroutine := func(fn func()) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			fn()
		}()
		<-done
	}
	inGoroutine(func() { fn(f) })
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		inGoroutine(f.cleanups[i])
	}
	return f.fatals
}

// checkFatals compares the failures with want, a substring of the first
// one ("" means no failure).
func checkFatals(t *testing.T, fatals []string, want string) {
	t.Helper()
	switch {
	case want == "" && len(fatals) > 0:
		t.Fatalf("failed: %q", fatals)
	case want != "" && len(fatals) == 0:
		t.Fatalf("did not fail, want %q", want)
	case want != "" && !strings.Contains(fatals[0], want):
		t.Fatalf("failed with %q, want %q", fatals, want)
	}
}

func TestSyncBuffer(t *testing.T) {
	tests := []struct {
		name       string
		writes     []string
		goroutines int
	}{
		{name: "empty", goroutines: 1},
		{name: "one writer", writes: []string{"a", "bc", "\n"}, goroutines: 1},
		{name: "concurrent writers", writes: []string{"line one\n", "line two\n"}, goroutines: 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b SyncBuffer
			var wg sync.WaitGroup
			for range tt.goroutines {
				wg.Go(func() {
					for _, w := range tt.writes {
						if n, err := b.Write([]byte(w)); n != len(w) || err != nil {
							t.Errorf("Write = %d, %v", n, err)
						}
						_ = b.String() // reads race with writes
					}
				})
			}
			wg.Wait()
			got := b.String()
			one := strings.Join(tt.writes, "")
			if len(got) != tt.goroutines*len(one) {
				t.Fatalf("%d bytes, want %d", len(got), tt.goroutines*len(one))
			}
			for _, w := range tt.writes {
				if n := strings.Count(got, w); w != "" && n < tt.goroutines {
					t.Fatalf("%q written %d times, want %d", w, n, tt.goroutines)
				}
			}
			if tt.goroutines == 1 && got != one {
				t.Fatalf("got %q, want %q", got, one)
			}
		})
	}
}

func TestLogsRecords(t *testing.T) {
	const logs = `{"level":"INFO","msg":"starting svc","version":"1"}
not json
{"level":"INFO","msg":"request","path":"/a"}

{"level":"INFO","msg":"request","path":"/b"}
{"level":"INFO","msg":"listening","addr":"127.0.0.1:1234"}
`
	tests := []struct {
		msg       string
		wantPaths []string // the "path" of each record
		wantCount int
	}{
		{msg: "request", wantCount: 2, wantPaths: []string{"/a", "/b"}},
		{msg: "starting svc", wantCount: 1},
		{msg: "listening", wantCount: 1},
		{msg: "not json", wantCount: 0},
		{msg: "stopped", wantCount: 0},
	}
	l := NewLogs()
	// Written in two pieces, as a logger writes one record a call.
	i := strings.Index(logs, "\n\n")
	for _, part := range []string{logs[:i+1], logs[i+1:]} {
		if n, err := l.Write([]byte(part)); n != len(part) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if l.String() != logs {
		t.Fatalf("String() = %q", l.String())
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			recs := l.Records(tt.msg)
			if len(recs) != tt.wantCount {
				t.Fatalf("%d records, want %d: %v", len(recs), tt.wantCount, recs)
			}
			for i, p := range tt.wantPaths {
				if recs[i]["path"] != p {
					t.Fatalf("record %d: %v, want path %s", i, recs[i], p)
				}
			}
		})
	}
	select {
	case addr := <-l.addrc:
		if addr != "127.0.0.1:1234" {
			t.Fatalf("announced %q", addr)
		}
	default:
		t.Fatal("listening address not announced")
	}
}

// serve is a run function that serves "hello <SVC_NAME>" on SVC_ADDR
// until ctx is cancelled, like a Slipway service.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(stdout, nil))
	ln, err := service.Listen(ctx, getenv("SVC_ADDR"), logger)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s from %s", getenv("SVC_NAME"), args[0])
	})}
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return service.Stopped(logger, err)
	}
	return service.Stopped(logger, nil)
}

func TestStart(t *testing.T) {
	defer func(d time.Duration) { timeout = d }(timeout)
	timeout = 500 * time.Millisecond

	// release ends the run functions that ignore their context.
	release := make(chan struct{})
	defer close(release)
	var leaked []net.Listener
	defer func() {
		for _, ln := range leaked {
			ln.Close()
		}
	}()

	env := map[string]string{"SVC_ADDR": "127.0.0.1:0", "SVC_NAME": "world"}
	tests := []struct {
		name string
		run  service.RunFunc
		// use is what the test does with the started instance.
		use       func(tb testing.TB, inst *Instance)
		wantFatal string
	}{
		{
			name: "serves and stops cleanly",
			run:  serve,
			use: func(tb testing.TB, inst *Instance) {
				if !strings.HasPrefix(inst.Addr, "127.0.0.1:") || inst.Base != "http://"+inst.Addr {
					tb.Fatalf("Addr %q Base %q", inst.Addr, inst.Base)
				}
				req, _ := http.NewRequest("GET", inst.Base+"/", nil)
				if _, body := Do(tb, nil, req); string(body) != "hello world from svc" {
					tb.Fatalf("body %q", body)
				}
				inst.StopCleanly()
				if err := inst.Stop(); err != nil { // again: the same result
					tb.Fatalf("second Stop: %v", err)
				}
			},
		},
		{
			name: "cancel then wait",
			run:  serve,
			use: func(tb testing.TB, inst *Instance) {
				inst.Cancel()
				if err := inst.Wait(); err != nil {
					tb.Fatalf("Wait: %v", err)
				}
				if len(inst.Logs.Records("stopped")) != 1 {
					tb.Fatalf("logs:\n%s", inst.Logs)
				}
			},
		},
		{
			name: "left running is stopped at cleanup",
			run:  serve,
			use:  func(testing.TB, *Instance) {},
		},
		{
			name: "returns before listening",
			run: func(context.Context, []string, func(string) string, io.Writer) error {
				return errors.New("bad config")
			},
			wantFatal: "run returned before listening: bad config",
		},
		{
			name: "never listens",
			run: func(ctx context.Context, _ []string, _ func(string) string, stdout io.Writer) error {
				fmt.Fprintln(stdout, `{"msg":"starting svc"}`)
				<-ctx.Done() // Start cancels it
				return ctx.Err()
			},
			wantFatal: `no listening record within 500ms:` + "\n" + `{"msg":"starting svc"}`,
		},
		{
			name: "does not return after cancel",
			run: func(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
				fmt.Fprintln(stdout, `{"msg":"listening","addr":"127.0.0.1:1"}`)
				<-release
				return nil
			},
			use:       func(tb testing.TB, inst *Instance) { _ = inst.Stop() },
			wantFatal: "run did not return within 500ms of cancel",
		},
		{
			name: "stop with an error",
			run: func(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
				fmt.Fprintln(stdout, `{"msg":"listening","addr":"127.0.0.1:1"}`)
				<-ctx.Done()
				return errors.New("shutdown timed out")
			},
			use:       func(tb testing.TB, inst *Instance) { inst.StopCleanly() },
			wantFatal: "run returned shutdown timed out",
		},
		{
			name: "stop without the stopped record",
			run: func(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
				fmt.Fprintln(stdout, `{"msg":"listening","addr":"127.0.0.1:1"}`)
				<-ctx.Done()
				return nil
			},
			use:       func(tb testing.TB, inst *Instance) { inst.StopCleanly() },
			wantFatal: "0 clean stops logged",
		},
		{
			name: "still accepting after stop",
			run: func(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
				logger := slog.New(slog.NewJSONHandler(stdout, nil))
				ln, err := service.Listen(ctx, "127.0.0.1:0", logger)
				if err != nil {
					return err
				}
				leaked = append(leaked, ln) // closed when TestStart ends
				<-ctx.Done()
				return service.Stopped(logger, nil)
			},
			use:       func(tb testing.TB, inst *Instance) { inst.StopCleanly() },
			wantFatal: "still accepting connections after shutdown",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var inst *Instance
			fatals := capture(t, func(tb testing.TB) {
				inst = Start(tb, tt.run, []string{"svc"}, env)
				tt.use(tb, inst)
			})
			checkFatals(t, fatals, tt.wantFatal)
			if tt.wantFatal == "" {
				// The cleanup stopped the service.
				if c, err := net.DialTimeout("tcp", inst.Addr, time.Second); err == nil {
					c.Close()
					t.Fatalf("%s still accepts connections after the cleanup", inst.Addr)
				}
			}
		})
	}
}

func TestRunCases(t *testing.T) {
	run := func(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
		switch {
		case len(args) > 1 && args[1] == "-version":
			fmt.Fprintln(stdout, "svc 1.0")
			return nil
		case len(args) > 1:
			return fmt.Errorf("unexpected arguments: %v", args[1:])
		}
		dir := getenv("SVC_DIR")
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return fmt.Errorf("SVC_DIR %q is not a directory", dir)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "dir ok, mode %s\n", getenv("SVC_MODE"))
		return nil
	}
	RunCases(t, run, []RunCase{
		{Name: "output", Args: []string{"svc", "-version"}, WantOut: "svc 1.0\n"},
		{Name: "error", Args: []string{"svc", "serve"}, WantErr: "unexpected arguments: [serve]"},
		{Name: "missing env", Args: []string{"svc"}, WantErr: `SVC_DIR "" is not a directory`},
		{Name: "temporary directory", Args: []string{"svc"}, Env: map[string]string{"SVC_DIR": TempDir, "SVC_MODE": "x"},
			WantOut: "dir ok, mode x"},
	})
}

func TestDo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.Error(w, "no such thing", http.StatusNotFound)
			return
		}
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %s", r.Method, r.Header.Get("X-Test"), b)
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	tests := []struct {
		name       string
		client     *http.Client
		method     string
		url        string
		body       string
		wantStatus int
		wantBody   string
		wantFatal  string
	}{
		{name: "default client", method: "GET", url: srv.URL + "/", wantStatus: 200, wantBody: "GET yes "},
		{name: "given client with body", client: srv.Client(), method: "PUT", url: srv.URL + "/x", body: "payload",
			wantStatus: 200, wantBody: "PUT yes payload"},
		{name: "error status", method: "GET", url: srv.URL + "/missing", wantStatus: 404, wantBody: "no such thing\n"},
		{name: "no server", method: "GET", url: closed.URL + "/", wantFatal: "connect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var status int
			var body []byte
			fatals := capture(t, func(tb testing.TB) {
				req, err := http.NewRequest(tt.method, tt.url, strings.NewReader(tt.body))
				if err != nil {
					tb.Fatal(err)
				}
				req.Header.Set("X-Test", "yes")
				var resp *http.Response
				resp, body = Do(tb, tt.client, req)
				status = resp.StatusCode
			})
			checkFatals(t, fatals, tt.wantFatal)
			if tt.wantFatal == "" && (status != tt.wantStatus || string(body) != tt.wantBody) {
				t.Fatalf("%d %q, want %d %q", status, body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

func TestDirNames(t *testing.T) {
	tests := []struct {
		name      string
		files     []string // created in the directory; nil: no directory
		want      []string
		wantFatal string
	}{
		{name: "empty", files: []string{}, want: nil},
		{name: "sorted", files: []string{"b", "a", ".tmp/"}, want: []string{".tmp", "a", "b"}},
		{name: "missing", files: nil, wantFatal: "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "d")
			if tt.files != nil {
				if err := os.Mkdir(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for _, f := range tt.files {
				var err error
				if name, ok := strings.CutSuffix(f, "/"); ok {
					err = os.Mkdir(filepath.Join(dir, name), 0o755)
				} else {
					err = os.WriteFile(filepath.Join(dir, f), nil, 0o644)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			fatals := capture(t, func(tb testing.TB) { got = DirNames(tb, dir) })
			checkFatals(t, fatals, tt.wantFatal)
			if !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Fatalf("DirNames = %#v, want %#v", got, tt.want)
			}
		})
	}
}
