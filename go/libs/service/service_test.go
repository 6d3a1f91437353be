package service

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helperEnv names the Main mode a re-executed test binary runs (see
// TestMain and TestMainExitCodeAndSignals).
const helperEnv = "SERVICE_TEST_MAIN"

// TestMain turns the test binary into a service binary when helperEnv is
// set, so that Main's exit codes and signal handling can be observed from
// outside.
func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		Main(helperRun(mode))
		fmt.Println("main returned")
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// helperRun returns the run function of a helper mode.
func helperRun(mode string) RunFunc {
	return func(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
		switch mode {
		case "ok":
			fmt.Fprintf(stdout, "args %v value %s\n", args[1:], getenv("SERVICE_TEST_VALUE"))
			return nil
		case "fail":
			return errors.New("boom")
		case "wait":
			fmt.Fprintln(stdout, "ready")
			select {
			case <-ctx.Done():
				fmt.Fprintln(stdout, "cancelled")
				return nil
			case <-time.After(10 * time.Second):
				return errors.New("no signal within 10s")
			}
		}
		return fmt.Errorf("unknown mode %q", mode)
	}
}

func TestMainExitCodeAndSignals(t *testing.T) {
	tests := []struct {
		name       string
		mode       string
		signal     os.Signal // sent once run prints "ready"; nil: none
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "success returns", mode: "ok", wantCode: 0,
			wantStdout: "args [a b] value v\nmain returned\n"},
		{name: "error exits 1", mode: "fail", wantCode: 1, wantStderr: "boom\n"},
		{name: "SIGTERM cancels", mode: "wait", signal: syscall.SIGTERM, wantCode: 0,
			wantStdout: "ready\ncancelled\nmain returned\n"},
		{name: "SIGINT cancels", mode: "wait", signal: os.Interrupt, wantCode: 0,
			wantStdout: "ready\ncancelled\nmain returned\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "a", "b")
			cmd.Env = append(os.Environ(), helperEnv+"="+tt.mode, "SERVICE_TEST_VALUE=v")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			pipe, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			stdout := bufio.NewReader(pipe)
			var out strings.Builder
			if tt.signal != nil {
				line, err := stdout.ReadString('\n')
				out.WriteString(line)
				if err != nil || line != "ready\n" {
					t.Fatalf("first line %q (%v)", line, err)
				}
				if err := cmd.Process.Signal(tt.signal); err != nil {
					t.Fatal(err)
				}
			}
			rest, err := io.ReadAll(stdout)
			if err != nil {
				t.Fatal(err)
			}
			out.Write(rest)
			err = cmd.Wait()
			var exitErr *exec.ExitError
			if err != nil && !errors.As(err, &exitErr) {
				t.Fatal(err)
			}
			if code := cmd.ProcessState.ExitCode(); code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			if out.String() != tt.wantStdout {
				t.Errorf("stdout %q, want %q", out.String(), tt.wantStdout)
			}
			if stderr.String() != tt.wantStderr {
				t.Errorf("stderr %q, want %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}

func TestParseArgs(t *testing.T) {
	cmd := Command{Name: "svc", Version: "1.2.3", Help: "A test service. Configured by SVC_ADDR.\n"}
	const usage = "Usage: /bin/svc [-version]\n\n" +
		"A test service. Configured by SVC_ADDR.\n\n" +
		"Flags:\n  -version\n    \tprint the version and exit\n"
	tests := []struct {
		name     string
		args     []string
		wantDone bool
		wantErr  string // the whole error; empty means none
		wantOut  string
	}{
		{name: "no arguments", args: []string{"/bin/svc"}},
		{name: "version", args: []string{"/bin/svc", "-version"}, wantDone: true, wantOut: "svc 1.2.3\n"},
		{name: "version with two dashes", args: []string{"/bin/svc", "--version"}, wantDone: true, wantOut: "svc 1.2.3\n"},
		{name: "version false", args: []string{"/bin/svc", "-version=false"}},
		{name: "help", args: []string{"/bin/svc", "-h"}, wantDone: true, wantOut: usage},
		{name: "help long", args: []string{"/bin/svc", "-help"}, wantDone: true, wantOut: usage},
		{name: "help wins over version", args: []string{"/bin/svc", "-version", "-h"}, wantDone: true, wantOut: usage},
		{name: "unknown flag", args: []string{"/bin/svc", "-nope"}, wantErr: "flag provided but not defined: -nope",
			wantOut: "flag provided but not defined: -nope\n" + usage},
		{name: "bad flag value", args: []string{"/bin/svc", "-version=maybe"},
			wantErr: `invalid boolean value "maybe" for -version: parse error`,
			wantOut: `invalid boolean value "maybe" for -version: parse error` + "\n" + usage},
		{name: "stray argument", args: []string{"/bin/svc", "serve"}, wantErr: "unexpected arguments: [serve]"},
		{name: "argument stops flags", args: []string{"/bin/svc", "serve", "-version"},
			wantErr: "unexpected arguments: [serve -version]"},
		{name: "argument after version", args: []string{"/bin/svc", "-version", "x"},
			wantErr: "unexpected arguments: [x]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			done, err := cmd.ParseArgs(tt.args, &out)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Fatalf("err %q, want %q", gotErr, tt.wantErr)
			}
			if done != tt.wantDone {
				t.Errorf("done %v, want %v", done, tt.wantDone)
			}
			if out.String() != tt.wantOut {
				t.Errorf("output\n%q\nwant\n%q", out.String(), tt.wantOut)
			}
		})
	}
}

// secretConfig stands for a service's configuration: its LogValue leaves
// the token out.
type secretConfig struct {
	Addr  string
	Token string
}

func (c secretConfig) LogValue() slog.Value {
	return slog.GroupValue(slog.String("addr", c.Addr), slog.Bool("token", c.Token != ""))
}

func TestStartLogger(t *testing.T) {
	cfg := secretConfig{Addr: ":8080", Token: "s3cret"}
	tests := []struct {
		name      string
		level     string
		wantErr   bool
		wantStart bool // whether the "starting" record is written
	}{
		{name: "info", level: "info", wantStart: true},
		{name: "default level", level: "", wantStart: true},
		{name: "debug", level: "debug", wantStart: true},
		{name: "warn drops the start record", level: "warn"},
		{name: "unknown level", level: "chatty", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			logger, err := Command{Name: "svc", Version: "1.2.3"}.StartLogger(&out, tt.level, cfg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				if logger != nil || out.Len() != 0 {
					t.Fatalf("logger %v and output %q with an error", logger, out.String())
				}
				return
			}
			if !tt.wantStart {
				if out.Len() != 0 {
					t.Fatalf("output %q, want none", out.String())
				}
				return
			}
			var rec struct {
				Level, Msg, Version, Go string
				Config                  map[string]any
			}
			if err := json.Unmarshal(out.Bytes(), &rec); err != nil {
				t.Fatalf("not one JSON record: %v: %q", err, out.String())
			}
			if rec.Level != "INFO" || rec.Msg != "starting svc" || rec.Version != "1.2.3" || rec.Go != runtime.Version() ||
				rec.Config["addr"] != ":8080" || rec.Config["token"] != true {
				t.Fatalf("start record %+v", rec)
			}
			if strings.Contains(out.String(), "s3cret") {
				t.Fatalf("secret logged: %s", out.String())
			}
			// The logger keeps writing JSON to the same output.
			out.Reset()
			logger.Info("next")
			if !strings.Contains(out.String(), `"msg":"next"`) {
				t.Fatalf("logger wrote %q", out.String())
			}
		})
	}
}

func TestListen(t *testing.T) {
	tests := []struct {
		name    string
		addr    string
		wantErr string
	}{
		{name: "free port", addr: "127.0.0.1:0"},
		{name: "bad port", addr: "127.0.0.1:99999", wantErr: "listen on 127.0.0.1:99999: "},
		{name: "port in use", addr: "IN_USE", wantErr: "listen on 127.0.0.1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&out, nil))
			addr := tt.addr
			if addr == "IN_USE" {
				taken, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				defer taken.Close()
				addr = taken.Addr().String()
			}
			ln, err := Listen(context.Background(), addr, logger)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q...", err, tt.wantErr)
				}
				if out.Len() != 0 {
					t.Fatalf("logged %q on error", out.String())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			rec := oneRecord(t, &out)
			if rec["msg"] != "listening" || rec["addr"] != ln.Addr().String() || strings.HasSuffix(ln.Addr().String(), ":0") {
				t.Fatalf("record %v for listener on %s", rec, ln.Addr())
			}
		})
	}
}

func TestStopped(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		err       error
		wantLevel string
		wantMsg   string
		wantErr   string // the "err" attribute; empty means none
	}{
		{name: "clean", err: nil, wantLevel: "INFO", wantMsg: "stopped"},
		{name: "error", err: boom, wantLevel: "ERROR", wantMsg: "server stopped with an error", wantErr: "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&out, nil))
			if got := Stopped(logger, tt.err); got != tt.err {
				t.Fatalf("returned %v, want %v", got, tt.err)
			}
			rec := oneRecord(t, &out)
			gotErr, _ := rec["err"].(string)
			if rec["level"] != tt.wantLevel || rec["msg"] != tt.wantMsg || gotErr != tt.wantErr {
				t.Fatalf("record %v", rec)
			}
		})
	}
}

// oneRecord decodes out, which must hold exactly one JSON log record.
func oneRecord(t *testing.T, out *bytes.Buffer) map[string]any {
	t.Helper()
	var rec map[string]any
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil {
		t.Fatalf("not one JSON record: %v: %q", err, out.String())
	}
	return rec
}
