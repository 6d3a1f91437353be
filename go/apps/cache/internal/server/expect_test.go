package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"slipway/libs/testkit"
)

// TestExpectContinueRefusedWithoutReading sends PUT headers with
// "Expect: 100-continue" and no body: an upload that will be refused (a
// read-only token, an existing entry, a body over the limit) must get its
// final status at once, without "100 Continue" and without the server
// waiting for the body; one that will be taken gets 100 Continue first.
func TestExpectContinueRefusedWithoutReading(t *testing.T) {
	f := newFixture(t, Config{MaxEntryBytes: 20 << 20})
	if r := f.do(t, "PUT", "/v1/cache/1001", writeToken, strings.NewReader("first")); r.status != 200 {
		t.Fatalf("seed PUT %d", r.status)
	}
	tests := []struct {
		name   string
		hash   string
		token  string
		length int
		want   string // status line
		body   string
	}{
		{"read-only token", "1002", readToken, 10 << 20, "HTTP/1.1 403 Forbidden", "this token may only read"},
		{"read-only token, small body", "1002", readToken, 10, "HTTP/1.1 403 Forbidden", "this token may only read"},
		{"existing entry", "1001", writeToken, 10 << 20, "HTTP/1.1 409 Conflict", "immutable"},
		{"no token", "1002", "", 10 << 20, "HTTP/1.1 401 Unauthorized", "bearer token is required"},
		{"over the limit", "1002", writeToken, 30 << 20, "HTTP/1.1 413 Request Entity Too Large", "limit of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, br := dialExpect(t, f, tt.hash, tt.token, tt.length)
			defer conn.Close()
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("no final answer before the body was sent: %v", err)
			}
			b, _ := io.ReadAll(resp.Body)
			if got := fmt.Sprintf("HTTP/1.1 %s", resp.Status); got != tt.want || !strings.Contains(string(b), tt.body) {
				t.Fatalf("got %q %q, want %q with %q", got, b, tt.want, tt.body)
			}
		})
	}
	if e, err := f.store.Get(t.Context(), "1001"); err != nil || string(readAll(t, e.Body)) != "first" {
		t.Fatalf("existing entry changed: %v", err)
	}
	if names := testkit.DirNames(t, f.dir); len(names) != 2 { // .tmp and 1001
		t.Fatalf("cache directory holds %v", names)
	}

	t.Run("accepted upload gets 100 Continue", func(t *testing.T) {
		conn, br := dialExpect(t, f, "1003", writeToken, 5)
		defer conn.Close()
		line, err := br.ReadString('\n')
		if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
			t.Fatalf("first line %q (%v)", line, err)
		}
		if _, err := br.ReadString('\n'); err != nil { // the blank line after 100
			t.Fatal(err)
		}
		if _, err := io.WriteString(conn, "hello"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("after the body: %v %v", resp, err)
		}
	})
}

// dialExpect sends the headers of a PUT with Expect: 100-continue and no
// body, and returns the connection with a read deadline set.
func dialExpect(t *testing.T, f *fixture, hash, token string, length int) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	auth := ""
	if token != "" {
		auth = "Authorization: Bearer " + token + "\r\n"
	}
	fmt.Fprintf(conn, "PUT /v1/cache/%s HTTP/1.1\r\nHost: cache\r\n%sContent-Type: application/octet-stream\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n", hash, auth, length)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	return conn, bufio.NewReader(conn)
}

func readAll(t *testing.T, r io.ReadCloser) []byte {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRefusedUploadBodyNotRead: with Expect: 100-continue, a refused PUT
// leaves its body unread (the handler, without a network in between).
func TestRefusedUploadBodyNotRead(t *testing.T) {
	f := newFixture(t, Config{})
	if r := f.do(t, "PUT", "/v1/cache/77", writeToken, strings.NewReader("x")); r.status != 200 {
		t.Fatal(r.status)
	}
	for _, tt := range []struct {
		token string
		hash  string
		want  int
	}{{readToken, "78", 403}, {writeToken, "77", 409}} {
		req := httptest.NewRequest("PUT", "/v1/cache/"+tt.hash, tripwire{t})
		req.ContentLength = 100
		req.Header.Set("Expect", "100-continue")
		req.Header.Set("Authorization", "Bearer "+tt.token)
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Fatalf("%s: status %d, want %d", tt.hash, rec.Code, tt.want)
		}
	}
}
