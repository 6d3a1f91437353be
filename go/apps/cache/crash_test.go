package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slipway/libs/testkit"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// childEnv marks the test binary, started again by a crash test, as the
// cache server process itself.
const childEnv = "SLIPWAY_CACHE_TEST_CHILD"

// TestMain lets the test binary serve as the real cache process: with
// childEnv set it runs the server (run, as main does) instead of tests.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, []string{"cache"}, os.Getenv, os.Stdout)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// process is a cache server in a process of its own.
type process struct {
	cmd  *exec.Cmd
	base string
	logs *bytes.Buffer
}

// startProcess starts the cache server as a child process on dir and
// waits for its "listening" record.
func startProcess(t *testing.T, dir string, extra ...string) *process {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", "CACHE_ADDR=127.0.0.1:0", "CACHE_DIR="+dir,
		"CACHE_WRITE_TOKENS=writer", "CACHE_READ_TOKENS=reader", "CACHE_MIN_FREE_BYTES=0")
	cmd.Env = append(cmd.Env, extra...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, logs: logs}
	t.Cleanup(func() { p.kill() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "listening" && !sent {
				addr <- rec.Addr
				sent = true
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatalf("the server exited before listening:\n%s", logs)
		}
		p.base = "http://" + a
	case <-time.After(30 * time.Second):
		t.Fatalf("the server did not listen within 30 s:\n%s", logs)
	}
	return p
}

// kill ends the process with SIGKILL: no shutdown, no cleanup, as a
// crash or the OOM killer would.
func (p *process) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		_ = p.cmd.Wait()
	}
}

// paced yields size pseudo-random bytes from seed, in chunks with pauses
// between them, so that a kill finds the upload half sent.
type paced struct {
	rng   *rand.ChaCha8
	left  int
	chunk int
	pause time.Duration
}

func (p *paced) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	n := min(len(b), p.left, p.chunk)
	_, _ = p.rng.Read(b[:n])
	p.left -= n
	if p.pause > 0 {
		time.Sleep(p.pause)
	}
	return n, nil
}

// upload is one PUT of the crash test.
type upload struct {
	hash  string
	size  int
	sum   [32]byte
	acked bool // answered 200
}

// body returns the upload's bytes as a reader.
func (u *upload) body(pause time.Duration) io.Reader {
	var seed [32]byte
	copy(seed[:], u.hash)
	return &paced{rng: rand.NewChaCha8(seed), left: u.size, chunk: 64 << 10, pause: pause}
}

// TestCrashMidWrite kills the real cache process (SIGKILL) while
// concurrent writers upload, some of them slowly, then starts it again on
// the same directory, three times over. After each restart: every upload
// answered 200 is served in full; every other one is absent or served in
// full (it may have been published just before the kill, unanswered);
// nothing partial is readable; and the temporary files of the killed
// process are gone at once, not after an hour.
func TestCrashMidWrite(t *testing.T) {
	if testing.Short() {
		testkit.Need(t, "the crash test kills and restarts server processes: run it without -short")
	}
	dir := filepath.Join(t.TempDir(), "cache")
	var (
		mu      sync.Mutex
		uploads []*upload
	)
	for round := range 3 {
		p := startProcess(t, dir)
		ctx, stopWriters := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ctx.Err() == nil; i++ {
					u := &upload{hash: fmt.Sprintf("%d%d%04d%d", round, w, i, rand.Uint32())}
					var pause time.Duration
					switch {
					case w < 4: // quick writers: small entries, many acknowledged
						u.size = 1 + rand.IntN(256<<10)
					default: // slow writers: 4 to 12 MiB at about 10 MiB/s, half sent when killed
						u.size = 4<<20 + rand.IntN(8<<20)
						pause = 5 * time.Millisecond
					}
					h := sha256.New()
					_, _ = io.Copy(h, u.body(0))
					copy(u.sum[:], h.Sum(nil))
					mu.Lock()
					uploads = append(uploads, u)
					mu.Unlock()
					req, _ := http.NewRequestWithContext(context.Background(), "PUT", p.base+"/v1/cache/"+u.hash, u.body(pause))
					req.ContentLength = int64(u.size)
					req.Header.Set("Authorization", "Bearer writer")
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						return // the server is gone
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode == 200 {
						mu.Lock()
						u.acked = true
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(1500 * time.Millisecond)
		tmp := entriesIn(t, filepath.Join(dir, ".tmp"))
		p.kill()
		stopWriters()
		wg.Wait()
		if len(tmp) == 0 {
			t.Errorf("round %d: no upload was in progress at the kill", round)
		}

		p = startProcess(t, dir)
		if left := entriesIn(t, filepath.Join(dir, ".tmp")); len(left) > 0 {
			t.Fatalf("round %d: temporary files of the killed process kept after restart: %v", round, left)
		}
		acked, served := 0, 0
		for _, u := range uploads {
			status, body := get(t, p.base, u.hash)
			switch {
			case status == 200 && sha256.Sum256(body) == u.sum:
				served++
			case status == 200:
				t.Fatalf("round %d: %s served %d bytes that are not the %d uploaded", round, u.hash, len(body), u.size)
			case u.acked:
				t.Fatalf("round %d: %s was acknowledged and is lost (GET %d)", round, u.hash, status)
			case status != 404:
				t.Fatalf("round %d: %s: GET %d", round, u.hash, status)
			}
			if u.acked {
				acked++
			}
		}
		// Every file in the directory is one of those, served whole.
		if n := len(entriesIn(t, dir)); n != served {
			t.Fatalf("round %d: %d entry files, %d served", round, n, served)
		}
		if acked == 0 {
			t.Fatalf("round %d: no upload was acknowledged before the kill", round)
		}
		metrics := getMetrics(t, p.base)
		if !strings.Contains(metrics, "slipway_cache_temp_bytes 0\n") || !strings.Contains(metrics, fmt.Sprintf("slipway_cache_entries %d\n", served)) {
			t.Fatalf("round %d: metrics after restart:\n%s", round, metrics)
		}
		t.Logf("round %d: %d uploads, %d acknowledged, %d stored, %d in progress at the kill", round, len(uploads), acked, served, len(tmp))
		p.kill()
	}
}

// entriesIn lists the names in dir, leaving out .tmp.
func entriesIn(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.Name() != ".tmp" {
			out = append(out, e.Name())
		}
	}
	return out
}

func get(t *testing.T, base, hash string) (int, []byte) {
	t.Helper()
	status, _, body := request(t, "GET", base+"/v1/cache/"+hash, "reader", nil)
	return status, body
}

func getMetrics(t *testing.T, base string) string {
	t.Helper()
	_, _, body := request(t, "GET", base+"/metrics", "", nil)
	return string(body)
}
