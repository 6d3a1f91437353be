package httpx

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slipway/libs/testkit"
)

// slowReader yields its chunks with a pause before each.
type slowReader struct {
	chunks []string
	pause  time.Duration
}

func (s *slowReader) Read(p []byte) (int, error) {
	if len(s.chunks) == 0 {
		return 0, io.EOF
	}
	time.Sleep(s.pause)
	n := copy(p, s.chunks[0])
	s.chunks[0] = s.chunks[0][n:]
	if s.chunks[0] == "" {
		s.chunks = s.chunks[1:]
	}
	return n, nil
}

// TestProgressDeadlinesUpload sends bodies through a server without read
// timeouts: a steady upload that takes several times the deadline must
// succeed, one that stalls for longer than the deadline must fail.
func TestProgressDeadlinesUpload(t *testing.T) {
	const d = 300 * time.Millisecond
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	srv := httptest.NewServer(ProgressDeadlines(d)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		got <- result{string(b), err}
		if err != nil {
			return
		}
		_, _ = io.WriteString(w, "ok")
	})))
	defer srv.Close()

	tests := []struct {
		name    string
		chunks  []string
		pause   time.Duration
		wantErr bool
	}{
		{name: "steady", chunks: strings.Split("a,b,c,d,e,f,g,h,i,j,k,l", ","), pause: 80 * time.Millisecond},
		{name: "stalled", chunks: []string{"a", "b"}, pause: 3 * d, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := &slowReader{chunks: append([]string(nil), tt.chunks...), pause: tt.pause}
			req, err := http.NewRequest(http.MethodPut, srv.URL, body)
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = int64(len(strings.Join(tt.chunks, "")))
			start := time.Now()
			resp, err := srv.Client().Do(req)
			if err == nil {
				resp.Body.Close()
			}
			r := <-got
			if tt.wantErr {
				if r.err == nil {
					t.Fatalf("stalled upload read %q without error", r.body)
				}
				return
			}
			if r.err != nil || r.body != strings.Join(tt.chunks, "") || err != nil || resp.StatusCode != 200 {
				t.Fatalf("body %q, server err %v, client err %v", r.body, r.err, err)
			}
			if time.Since(start) < 2*d {
				t.Fatalf("upload took only %v; the test proves nothing", time.Since(start))
			}
		})
	}
}

// TestProgressDeadlinesDownload serves a file larger than one ReadFrom
// chunk through LogRequests and ProgressDeadlines with io.CopyN (the path
// that can use sendfile) and a slow streamed response; both must arrive
// intact.
func TestProgressDeadlinesDownload(t *testing.T) {
	data := make([]byte, 2*progressChunk+12345)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "blob")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	const d = 300 * time.Millisecond
	mux := http.NewServeMux()
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(path)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		// Skip a small header, as the cache's file store does.
		if _, err := f.Seek(10, io.SeekStart); err != nil {
			t.Error(err)
			return
		}
		if _, err := io.CopyN(w, f, int64(len(data)-10)); err != nil {
			t.Error(err)
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		for i := range 8 {
			_, _ = io.WriteString(w, string(rune('a'+i)))
			_ = http.NewResponseController(w).Flush()
			time.Sleep(80 * time.Millisecond)
		}
	})
	var logs testkit.SyncBuffer
	srv := httptest.NewServer(Chain(mux, LogRequests(slog.New(slog.NewJSONHandler(&logs, nil))), ProgressDeadlines(d)))
	defer srv.Close()

	tests := []struct {
		path string
		want []byte
	}{
		{"/file", data[10:]},
		{"/slow", []byte("abcdefgh")},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := srv.Client().Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil || !bytes.Equal(b, tt.want) {
				t.Fatalf("got %d bytes (err %v), want %d", len(b), err, len(tt.want))
			}
		})
	}
	// LogRequests counts bytes sent through ReadFrom too.
	if want := fmt.Sprintf(`"bytes":%d,`, len(data)-10); !strings.Contains(logs.String(), want) {
		t.Fatalf("request log lacks %s:\n%s", want, logs.String())
	}
}

// smallBufListener shrinks the send buffer of accepted connections, so
// that a slow client really holds the server's writes back.
type smallBufListener struct{ net.Listener }

func (l smallBufListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(64 << 10)
	}
	return c, err
}

// TestProgressDeadlinesSlowReader downloads a file (through ReadFrom)
// slowly but steadily, for several times the deadline in total, over
// small socket buffers: the server is blocked on the client most of the
// time, and only moving the deadlines between chunks lets it finish.
func TestProgressDeadlinesSlowReader(t *testing.T) {
	data := make([]byte, 6*progressChunk)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "blob")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	const d = 600 * time.Millisecond
	served := make(chan error, 1)
	srv := httptest.NewUnstartedServer(ProgressDeadlines(d)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(path)
		if err != nil {
			served <- err
			return
		}
		defer f.Close()
		_, err = io.CopyN(w, f, int64(len(data)))
		served <- err
	})))
	srv.Listener = smallBufListener{srv.Listener}
	srv.Start()
	defer srv.Close()

	dialer := &net.Dialer{}
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(64 << 10)
		}
		return c, err
	}}}
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	start := time.Now()
	var got []byte
	buf := make([]byte, 16<<10)
	for {
		n, err := resp.Body.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d bytes in %v: %v", len(got), time.Since(start), err)
		}
		// Hold the pace at 1 MiB/s: a 256 KiB chunk takes 250 ms, the
		// whole file 1.5 s.
		if ahead := time.Duration(len(got))*time.Second/(1<<20) - time.Since(start); ahead > 0 {
			time.Sleep(ahead)
		}
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("got %d bytes, want %d", len(got), len(data))
	}
	if err := <-served; err != nil {
		t.Fatalf("server: %v", err)
	}
	if took := time.Since(start); took < 2*d {
		t.Fatalf("slow read took only %v; the test proves nothing", took)
	}
}

// TestProgressDeadlinesSlowHandler: time the handler spends working, after
// the body is read or before the first byte of the response, is not a
// stall of the client: the request must neither fail nor see its context
// cancelled (net/http cancels it when a read deadline expires under its
// background read).
func TestProgressDeadlinesSlowHandler(t *testing.T) {
	const d = 200 * time.Millisecond
	srv := httptest.NewServer(ProgressDeadlines(d)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		time.Sleep(3 * d) // e.g. uploading the entry to object storage
		if err := r.Context().Err(); err != nil {
			http.Error(w, "context: "+err.Error(), 500)
			return
		}
		_, _ = io.WriteString(w, "done")
	})))
	defer srv.Close()
	for _, method := range []string{"GET", "PUT"} {
		var body io.Reader
		if method == "PUT" {
			body = strings.NewReader("payload")
		}
		req, err := http.NewRequest(method, srv.URL, body)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "done" {
			t.Fatalf("%s: %d %q", method, resp.StatusCode, b)
		}
	}
}

func TestProgressDeadlinesDisabled(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	if got := ProgressDeadlines(0)(h); got == nil {
		t.Fatal("nil handler")
	}
	// With a recorder, deadlines cannot be set; the middleware must cope.
	rec := httptest.NewRecorder()
	ProgressDeadlines(time.Second)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(w, strings.NewReader("hello"))
	})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", strings.NewReader("x")))
	if rec.Body.String() != "hello" {
		t.Fatalf("body %q", rec.Body)
	}
}
