// Command cacheload is the load client of the cache-server benchmark
// (bench/src/cache-server.ts): it sends one phase of requests to a running
// cache server over keep-alive connections and prints what it measured as
// one JSON line. Written in Go so that on a small machine the client takes
// less of the CPU it shares with the server than a Node client would.
//
//	cacheload -url URL -token T -c N put  -prefix P -count N -size BYTES
//	cacheload -url URL -token T -c N get  -prefix P -count N -duration D
//	cacheload -url URL -token T -c N miss -duration D
//
// put stores entries P000000, P000001, ... of size bytes (each begins
// with its own name, the rest is shared random data), get reads them in
// turn and expects 200, miss asks for hashes that do not exist and
// expects 404.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"slipway/libs/service"
)

func main() { service.Main(run) }

// Result is what one phase measured, at the client.
type Result struct {
	Requests int64 `json:"requests"`
	// Bytes counts the bodies sent and received.
	Bytes int64   `json:"bytes"`
	Ms    float64 `json:"ms"`
	// Unexpected counts answers with another status than expected;
	// Example is one of them.
	Unexpected int64  `json:"unexpected"`
	Example    string `json:"example,omitempty"`
}

// request is one request of a phase.
type request struct {
	method, path string
	body         []byte // PUT: the entry's own head
	tail         []byte // PUT: the shared rest
	expect       int
}

func run(ctx context.Context, args []string, _ func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("cacheload", flag.ContinueOnError)
	fs.SetOutput(stdout)
	url := fs.String("url", "", "cache server base URL")
	token := fs.String("token", "", "bearer token")
	conc := fs.Int("c", 8, "concurrent connections")
	prefix := fs.String("prefix", "1", "hash prefix of the entries (digits)")
	count := fs.Int("count", 0, "entries to put, or to read in turn")
	size := fs.Int("size", 64<<10, "entry size in bytes (put)")
	duration := fs.Duration("duration", 0, "how long get and miss run")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *url == "" || fs.NArg() != 1 || *conc < 1 {
		return errors.New("usage: cacheload -url URL -token T [-c N] put|get|miss [-prefix P] [-count N] [-size B] [-duration D]")
	}
	name := func(i int) string { return fmt.Sprintf("%s%06d", *prefix, i) }
	var next func(i int64) (request, bool)
	switch fs.Arg(0) {
	case "put":
		tail := make([]byte, *size)
		_, _ = rand.Read(tail)
		next = func(i int64) (request, bool) {
			if i >= int64(*count) {
				return request{}, false
			}
			head := []byte(name(int(i)))
			if len(head) > *size {
				head = head[:*size]
			}
			return request{method: "PUT", path: "/v1/cache/" + name(int(i)), body: head, tail: tail[len(head):], expect: 200}, true
		}
	case "get":
		if *count < 1 || *duration <= 0 {
			return errors.New("get needs -count and -duration")
		}
		next = func(i int64) (request, bool) {
			return request{method: "GET", path: "/v1/cache/" + name(int(i%int64(*count))), expect: 200}, true
		}
	case "miss":
		if *duration <= 0 {
			return errors.New("miss needs -duration")
		}
		next = func(i int64) (request, bool) {
			return request{method: "GET", path: fmt.Sprintf("/v1/cache/9%s%d", *prefix, i), expect: 404}, true
		}
	default:
		return fmt.Errorf("unknown phase %q: put, get or miss", fs.Arg(0))
	}
	res, err := load(ctx, *url, *token, *conc, *duration, next)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

// load sends requests from next over conc keep-alive connections until
// next has no more or duration (if > 0) has passed.
func load(ctx context.Context, base, token string, conc int, duration time.Duration, next func(int64) (request, bool)) (Result, error) {
	tr := &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var (
		res        Result
		mu         sync.Mutex
		counter    atomic.Int64
		firstErr   error
		wg         sync.WaitGroup
		start      = time.Now()
		deadline   time.Time
		requests   atomic.Int64
		bytesMoved atomic.Int64
		unexpected atomic.Int64
	)
	if duration > 0 {
		deadline = start.Add(duration)
	}
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 256<<10)
			for {
				if !deadline.IsZero() && time.Now().After(deadline) || ctx.Err() != nil {
					return
				}
				r, ok := next(counter.Add(1) - 1)
				if !ok {
					return
				}
				var body io.Reader
				n := int64(len(r.body) + len(r.tail))
				if r.method == "PUT" {
					body = io.MultiReader(bytes.NewReader(r.body), bytes.NewReader(r.tail))
				}
				req, err := http.NewRequestWithContext(ctx, r.method, base+r.path, body)
				if err != nil {
					setErr(&mu, &firstErr, err)
					return
				}
				if body != nil {
					req.ContentLength = n
				}
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/octet-stream")
				resp, err := client.Do(req)
				if err != nil {
					setErr(&mu, &firstErr, err)
					return
				}
				for {
					m, err := resp.Body.Read(buf)
					n += int64(m)
					if err != nil {
						break
					}
				}
				resp.Body.Close()
				requests.Add(1)
				bytesMoved.Add(n)
				if resp.StatusCode != r.expect {
					if unexpected.Add(1) == 1 {
						mu.Lock()
						res.Example = fmt.Sprintf("%s %s: %d", r.method, r.path, resp.StatusCode)
						mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	res.Ms = float64(time.Since(start).Microseconds()) / 1000
	res.Requests, res.Bytes, res.Unexpected = requests.Load(), bytesMoved.Load(), unexpected.Load()
	return res, firstErr
}

func setErr(mu *sync.Mutex, dst *error, err error) {
	mu.Lock()
	defer mu.Unlock()
	if *dst == nil {
		*dst = err
	}
}
