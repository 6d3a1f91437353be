package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"slipway/apps/api/internal/apitypes"
	"slipway/apps/api/internal/store"
	"slipway/apps/api/internal/store/storetest"
	"slipway/libs/service"
)

// crashChildEnv makes the test binary run as the API itself, so that the
// crash test can kill a real API process (TestMain).
const crashChildEnv = "SLIPWAY_API_TEST_RUN_AS_API"

func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) == "1" {
		service.Main(run)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestCrashMidWrite kills the API process with SIGKILL while concurrent
// writers post builds, a few times over, then restarts it on the same
// database: every build whose 201 reached its client must be stored once,
// with what was sent; a build in flight at the kill is stored once or not
// at all, and its retry under its Idempotency-Key answers with the stored
// one; and the database passes its integrity check, summaries included.
func TestCrashMidWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.Database) {
		const rounds, writers = 3, 6
		env := []string{crashChildEnv + "=1", "API_ADDR=127.0.0.1:0", "API_DATA_DIR=" + db.DataDir,
			"DATABASE_URL=" + db.DatabaseURL, "API_WRITE_TOKENS=crash-token", "API_LOG_LEVEL=info"}
		var (
			mu    sync.Mutex
			sent  = map[string]map[string]any{} // tag -> body
			acked = map[string]int64{}          // tag -> id answered
			keyed = map[string]string{}         // tag -> Idempotency-Key
			lost  []string                      // tags whose answer never came
		)
		for round := range rounds {
			api := startAPI(t, env)
			var wg sync.WaitGroup
			stop := make(chan struct{})
			for w := range writers {
				wg.Go(func() {
					client := &http.Client{Timeout: 10 * time.Second}
					for n := 0; ; n++ {
						select {
						case <-stop:
							return
						default:
						}
						tag := fmt.Sprintf("r%d-w%d-n%d", round, w, n)
						body := crashBuild(fmt.Sprintf("registry.example/crash/app%d", n%4), fmt.Sprintf("crash-%d-%d", round, w), tag)
						key := ""
						if w%2 == 1 {
							key = "key-" + tag
						}
						mu.Lock()
						sent[tag] = body
						if key != "" {
							keyed[tag] = key
						}
						mu.Unlock()
						id, err := postBuild(client, api.base, body, key)
						mu.Lock()
						if err != nil {
							lost = append(lost, tag)
						} else {
							acked[tag] = id
						}
						mu.Unlock()
						if err != nil {
							return // the server is gone
						}
					}
				})
			}
			// Let the writers get going, then kill the API mid-write.
			time.Sleep(time.Duration(300+200*round) * time.Millisecond)
			api.kill(t)
			close(stop)
			wg.Wait()
		}
		mu.Lock()
		defer mu.Unlock()
		if len(acked) < rounds*writers {
			t.Fatalf("only %d builds acknowledged: the writers did not get going", len(acked))
		}

		api := startAPI(t, env)
		client := &http.Client{Timeout: 10 * time.Second}
		stored := map[string][]apitypes.Build{}
		for round := range rounds {
			for w := range writers {
				for _, b := range runBuilds(t, client, api.base, fmt.Sprintf("crash-%d-%d", round, w)) {
					stored[b.Tags[0]] = append(stored[b.Tags[0]], b)
				}
			}
		}
		for tag, id := range acked {
			got := stored[tag]
			if len(got) != 1 || got[0].Id != id {
				t.Errorf("acknowledged build %s (id %d) stored as %+v", tag, id, got)
				continue
			}
			checkStored(t, got[0], sent[tag])
		}
		inFlight := 0
		for _, tag := range lost {
			got := stored[tag]
			if len(got) > 1 {
				t.Errorf("build %s in flight at the kill stored %d times", tag, len(got))
			}
			if len(got) == 1 {
				inFlight++
				checkStored(t, got[0], sent[tag])
			}
			// Its retry: with a key, the stored build or, if none, a new one.
			if key := keyed[tag]; key != "" {
				id, err := postBuild(client, api.base, sent[tag], key)
				if err != nil {
					t.Fatalf("retry of %s: %v", tag, err)
				}
				if len(got) == 1 && id != got[0].Id {
					t.Errorf("retry of %s under its key: build %d, want the stored %d", tag, id, got[0].Id)
				}
			}
		}
		for tag, got := range stored {
			if _, ok := sent[tag]; !ok || len(got) != 1 {
				t.Errorf("stored build %s: sent %v, stored %d times", tag, ok, len(got))
			}
		}
		t.Logf("%d rounds: %d builds acknowledged, %d in flight at a kill (%d of them committed)", rounds, len(acked), len(lost), inFlight)
		api.stop(t)

		// The database itself, engine and summaries.
		amcheck := db.DatabaseURL != "" && installAmcheck(t, db.DatabaseURL)
		st, err := store.Open(context.Background(), store.Config{DatabaseURL: db.DatabaseURL, DataDir: db.DataDir}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		checked, err := st.Check(context.Background())
		if err != nil {
			t.Fatalf("after the crashes (checked %v): %v", checked, err)
		}
		want := "integrity_check"
		if db.DatabaseURL != "" {
			want = "amcheck"
		}
		if (db.DatabaseURL == "" || amcheck) && !strings.Contains(strings.Join(checked, " "), want) {
			t.Fatalf("checked %v, want %s among them", checked, want)
		}
		t.Logf("checked: %v", checked)
	})
}

// apiProcess is the API running as a child process.
type apiProcess struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

// startAPI runs the test binary as the API with env and waits for its
// "listening" log record.
func startAPI(t *testing.T, env []string) *apiProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &apiProcess{cmd: cmd, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var rec struct {
				Msg, Addr string
			}
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "listening" {
				addr <- rec.Addr
				break
			}
		}
		_, _ = io.Copy(io.Discard, out) // keep the pipe from filling up
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	select {
	case a := <-addr:
		p.base = "http://" + a
	case err := <-p.done:
		t.Fatalf("the API exited before listening: %v\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("the API did not start listening\n%s", stderr.String())
	}
	return p
}

// kill sends SIGKILL: no shutdown, no deferred close, mid-write.
func (p *apiProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := <-p.done
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the API did not die of SIGKILL: %v", err)
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (p *apiProcess) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("the API did not stop cleanly: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the API did not stop on SIGTERM")
	}
}

// crashBuild is a build body of image in CI run runID, told apart by tag.
func crashBuild(image, runID, tag string) map[string]any {
	return map[string]any{
		"project": "app", "image": image, "digest": "sha256:" + strings.Repeat("c", 64), "tags": []string{tag},
		"sizeBytes": 1234567, "platform": "linux/amd64", "gitSha": "abcdef1", "nxHash": "h" + strings.ReplaceAll(tag, "-", ""),
		"outcome": "built", "durationMs": 42, "ciRunId": runID,
	}
}

// postBuild posts body (with key as Idempotency-Key unless "") and returns
// the id of a 201; any other outcome is an error.
func postBuild(client *http.Client, base string, body map[string]any, key string) (int64, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/builds", strings.NewReader(string(raw)))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer crash-token")
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("%d %s", resp.StatusCode, answer)
	}
	var b apitypes.Build
	if err := json.Unmarshal(answer, &b); err != nil || b.Id == 0 {
		return 0, fmt.Errorf("answer %s: %v", answer, err)
	}
	return b.Id, nil
}

// runBuilds reads every build of a CI run (none: an empty list).
func runBuilds(t *testing.T, client *http.Client, base, runID string) []apitypes.Build {
	t.Helper()
	resp, err := client.Get(base + "/api/v1/runs/" + runID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusNotFound {
		return nil
	}
	var run apitypes.Run
	if resp.StatusCode != 200 || json.Unmarshal(body, &run) != nil || run.Images != int64(len(run.Builds)) {
		t.Fatalf("run %s: %d %.300s", runID, resp.StatusCode, body)
	}
	return run.Builds
}

// checkStored fails unless the stored build is whole: every field what
// was sent.
func checkStored(t *testing.T, b apitypes.Build, sent map[string]any) {
	t.Helper()
	got := map[string]any{
		"project": b.Project, "image": b.Image, "digest": b.Digest, "tags": b.Tags, "sizeBytes": int(b.SizeBytes),
		"platform": b.Platform, "gitSha": b.GitSha, "nxHash": b.NxHash, "outcome": string(b.Outcome),
		"durationMs": int(b.DurationMs), "ciRunId": deref(b.CiRunId),
	}
	if !reflect.DeepEqual(got, sent) || b.BudgetBytes != nil || b.RecordedAt.IsZero() {
		t.Errorf("stored build %d differs from what was sent: %+v, sent %v", b.Id, b, sent)
	}
}

// deref is *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// installAmcheck installs PostgreSQL's amcheck extension (in the public
// schema, so that it outlives the test's schema), for Store.Check to use;
// it reports whether it is there. Not being allowed to fails under CI=true.
func installAmcheck(t *testing.T, databaseURL string) bool {
	t.Helper()
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec(`CREATE EXTENSION IF NOT EXISTS amcheck WITH SCHEMA public`)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("install amcheck (the test's PostgreSQL user must be allowed to): %v", err)
		}
		t.Logf("amcheck not installed, the PostgreSQL indexes go unchecked: %v", err)
		return false
	}
	return true
}
