package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"slipway/libs/testkit"
)

// snapshot is every file under a directory: relative path → SHA-256.
type snapshot map[string][32]byte

func takeSnapshot(t *testing.T, dir string) snapshot {
	t.Helper()
	out := snapshot{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel] = sha256.Sum256(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rawExchange sends raw bytes on a fresh connection, optionally closes
// the sending side, and reads one response.
func rawExchange(t *testing.T, addr, raw string, closeWrite bool) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(15 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	if closeWrite {
		if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no response: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// tarGz builds a gzipped tar from headers and contents.
func tarGz(t *testing.T, members ...tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, h := range members {
		body := []byte(h.Linkname)
		if h.Typeflag == tar.TypeReg {
			body = []byte("content of " + h.Name)
			h.Size = int64(len(body))
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gzipBomb is a small gzip stream that inflates to n zero bytes.
func gzipBomb(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(make([]byte, n)); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

// TestBadInput sends what a hostile or broken client might, over raw
// TCP to the real server: each row gets its status and an error body that
// says what is wrong, and changes nothing in the store (no entry, no
// temporary file, nothing beside the directory). The server stores
// bodies as they are and never unpacks them, so odd tar archives are
// stored byte for byte as one entry, with nothing else changed.
func TestBadInput(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "cache")
	inst := testkit.Start(t, run, []string{"cache"}, map[string]string{
		"CACHE_ADDR": "127.0.0.1:0", "CACHE_DIR": dir, "CACHE_READ_TOKENS": "reader",
		"CACHE_WRITE_TOKENS": "writer", "CACHE_MAX_ENTRY_BYTES": "1MiB", "CACHE_MIN_FREE_BYTES": "0",
		"CACHE_STALL_TIMEOUT": "2s",
	})
	if status, _, _ := request(t, "PUT", inst.Base+"/v1/cache/1001", "writer", []byte("original")); status != 200 {
		t.Fatal(status)
	}

	put := func(target, headers, body string) string {
		return fmt.Sprintf("PUT %s HTTP/1.1\r\nHost: cache\r\n%sContent-Length: %d\r\n\r\n%s", target, headers, len(body), body)
	}
	putAs := func(token, target, body string) string {
		return put(target, "Authorization: Bearer "+token+"\r\n", body)
	}
	chunked := func(token, target, chunks string) string {
		return fmt.Sprintf("PUT %s HTTP/1.1\r\nHost: cache\r\nAuthorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n%s", target, token, chunks)
	}
	const w = "Authorization: Bearer writer\r\n"
	big := strings.Repeat("x", 1<<20+1)
	hex := func(n int) string { return fmt.Sprintf("%x", n) }

	tests := []struct {
		name       string
		raw        string
		closeWrite bool
		status     int
		body       string // substring of the answer
		stored     []byte // the one entry a row may add, under hash 2001
		// byNetHTTP: net/http answers before any handler, with its own
		// terse body and Content-Type.
		byNetHTTP bool
	}{
		// Tokens.
		{name: "no token", raw: put("/v1/cache/2001", "", "data"), status: 401, body: "A bearer token is required"},
		{name: "unknown token", raw: putAs("intruder", "/v1/cache/2001", "data"), status: 401, body: "is not valid for this cache server"},
		{name: "prefix of the write token", raw: putAs("write", "/v1/cache/2001", "data"), status: 401, body: "is not valid"},
		{name: "write token with junk after it", raw: putAs("writer x", "/v1/cache/2001", "data"), status: 401, body: "is not valid"},
		{name: "empty bearer token", raw: put("/v1/cache/2001", "Authorization: Bearer \r\n", "data"), status: 401, body: `must be "Bearer <token>"`},
		{name: "basic auth", raw: put("/v1/cache/2001", "Authorization: Basic d3JpdGVyOg==\r\n", "data"), status: 401, body: `must be "Bearer <token>"`},
		{name: "two Authorization headers", raw: put("/v1/cache/2001", "Authorization: Bearer reader\r\n"+w, "data"), status: 401, body: "Send one Authorization header"},
		{name: "read-only token", raw: putAs("reader", "/v1/cache/2001", "data"), status: 403, body: "this token may only read"},
		{name: "control character in the token", raw: put("/v1/cache/2001", "Authorization: Bearer wri\x01ter\r\n", "data"), status: 400, body: "400 Bad Request", byNetHTTP: true},
		{name: "GET with an unknown token", raw: "GET /v1/cache/1001 HTTP/1.1\r\nHost: cache\r\nAuthorization: Bearer intruder\r\n\r\n", status: 401, body: "is not valid"},

		// Hashes.
		{name: "hash ..", raw: putAs("writer", "/v1/cache/..", "data"), status: 400, body: "Invalid hash"},
		{name: "hash with an escaped slash", raw: putAs("writer", "/v1/cache/a%2Fb", "data"), status: 400, body: "Invalid hash"},
		{name: "escaped traversal", raw: putAs("writer", "/v1/cache/%2e%2e%2f%2e%2e%2fescape", "data"), status: 400, body: "Invalid hash"},
		{name: "traversal in the path", raw: putAs("writer", "/v1/cache/../../escape", "data"), status: 400, body: "Invalid hash"},
		{name: "empty hash", raw: putAs("writer", "/v1/cache/", "data"), status: 400, body: "Invalid hash"},
		{name: "hash of 129 characters", raw: putAs("writer", "/v1/cache/"+strings.Repeat("7", 129), "data"), status: 400, body: "1 to 128 letters or digits"},
		{name: "NUL in the hash", raw: putAs("writer", "/v1/cache/12%003", "data"), status: 400, body: "Invalid hash"},
		{name: "CRLF in the hash", raw: putAs("writer", "/v1/cache/1%0D%0AX-Injected:%20y", "data"), status: 400, body: "Invalid hash"},
		{name: "non-ASCII hash", raw: putAs("writer", "/v1/cache/%C3%BC", "data"), status: 400, body: "Invalid hash"},
		{name: "the temporary directory as a hash", raw: putAs("writer", "/v1/cache/.tmp", "data"), status: 400, body: "Invalid hash"},
		{name: "GET of a traversal", raw: "GET /v1/cache/..%2F..%2Fetc%2Fpasswd HTTP/1.1\r\nHost: cache\r\nAuthorization: Bearer reader\r\n\r\n", status: 400, body: "Invalid hash"},

		// Methods and headers.
		{name: "DELETE", raw: "DELETE /v1/cache/1001 HTTP/1.1\r\nHost: cache\r\n" + w + "\r\n", status: 405, body: "Method DELETE is not allowed"},
		{name: "POST", raw: "POST /v1/cache/2001 HTTP/1.1\r\nHost: cache\r\n" + w + "Content-Length: 4\r\n\r\ndata", status: 405, body: "Method POST is not allowed"},
		{name: "no Host header", raw: "PUT /v1/cache/2001 HTTP/1.1\r\n" + w + "Content-Length: 4\r\n\r\ndata", status: 400, body: "missing required Host header", byNetHTTP: true},
		{name: "unknown Expect", raw: "PUT /v1/cache/2001 HTTP/1.1\r\nHost: cache\r\n" + w + "Expect: 200-ok\r\nContent-Length: 4\r\n\r\ndata", status: 417, byNetHTTP: true},
		{name: "unsupported Transfer-Encoding", raw: "PUT /v1/cache/2001 HTTP/1.1\r\nHost: cache\r\n" + w + "Transfer-Encoding: gzip\r\n\r\ndata", status: 501, body: "Unsupported transfer encoding", byNetHTTP: true},
		{name: "two Transfer-Encodings", raw: "PUT /v1/cache/2001 HTTP/1.1\r\nHost: cache\r\n" + w + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ndata\r\n0\r\n\r\n", status: 501, body: "Unsupported transfer encoding", byNetHTTP: true},
		// RFC 9112 section 6.3: the chunks count, not the Content-Length
		// (net/http drops it), so the entry is exactly what the chunks say.
		{name: "Content-Length and chunked together", raw: "PUT /v1/cache/2001 HTTP/1.1\r\nHost: cache\r\n" + w + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ndata\r\n0\r\n\r\n",
			status: 200, body: "Stored.", stored: []byte("data")},

		// Lengths.
		{name: "Content-Length not a number", raw: "PUT /v1/cache/2001 HTTP/1.1\r\nHost: cache\r\n" + w + "Content-Length: four\r\n\r\ndata", status: 400, body: "400 Bad Request", byNetHTTP: true},
		{name: "negative Content-Length", raw: "PUT /v1/cache/2001 HTTP/1.1\r\nHost: cache\r\n" + w + "Content-Length: -4\r\n\r\ndata", status: 400, body: "400 Bad Request", byNetHTTP: true},
		{name: "two different Content-Lengths", raw: "PUT /v1/cache/2001 HTTP/1.1\r\nHost: cache\r\n" + w + "Content-Length: 4\r\nContent-Length: 5\r\n\r\ndata", status: 400, body: "Bad Request", byNetHTTP: true},
		{name: "Content-Length over the limit", raw: putAs("writer", "/v1/cache/2001", big), status: 413, body: "limit of 1048576 bytes"},
		{name: "chunked body over the limit", raw: chunked("writer", "/v1/cache/2001", hex(len(big))+"\r\n"+big+"\r\n0\r\n\r\n"), status: 413, body: "limit of 1048576 bytes"},
		{name: "body shorter than its Content-Length", raw: strings.TrimSuffix(putAs("writer", "/v1/cache/2001", strings.Repeat("y", 100)), strings.Repeat("y", 40)), closeWrite: true, status: 400, body: "not as long as its Content-Length"},
		{name: "malformed chunk size", raw: chunked("writer", "/v1/cache/2001", "zz\r\ndata\r\n0\r\n\r\n"), status: 400, body: "could not be read completely"},
		{name: "chunked body cut off", raw: chunked("writer", "/v1/cache/2001", "10\r\n0123456789"), closeWrite: true, status: 400, body: "ended before its last chunk"},
		{name: "body that stops coming", raw: strings.TrimSuffix(putAs("writer", "/v1/cache/2001", strings.Repeat("y", 100)), strings.Repeat("y", 40)), status: 400, body: "could not be read completely"},
		{name: "overwrite of an entry", raw: putAs("writer", "/v1/cache/1001", "poison"), status: 409, body: "cache entries are immutable"},

		// Tar bodies: stored as they are, never unpacked.
		{name: "tar with a traversing member name", status: 200, body: "Stored.",
			stored: tarGz(t, tar.Header{Name: "../../escape", Typeflag: tar.TypeReg, Mode: 0o644})},
		{name: "tar with an absolute path and a symlink out", status: 200, body: "Stored.",
			stored: tarGz(t, tar.Header{Name: "/etc/cron.d/x", Typeflag: tar.TypeReg, Mode: 0o644}, tar.Header{Name: "link", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"})},
		{name: "a gzip bomb (10 MiB of zeros)", status: 200, body: "Stored.", stored: gzipBomb(t, 10<<20)},
		{name: "not an archive at all", status: 200, body: "Stored.", stored: []byte("\x00\xffnot gzip")},
	}
	if len(tests) < 20 {
		t.Fatalf("only %d kinds of bad input", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.raw
			if raw == "" {
				raw = putAs("writer", "/v1/cache/2001", string(tt.stored))
			}
			before, beside := takeSnapshot(t, dir), testkit.DirNames(t, parent)
			resp, body := rawExchange(t, inst.Addr, raw, tt.closeWrite)
			if resp.StatusCode != tt.status || !strings.Contains(body, tt.body) {
				t.Fatalf("got %d %q, want %d containing %q", resp.StatusCode, body, tt.status, tt.body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/plain" && !(tt.byNetHTTP && (ct == "" || ct == "text/plain; charset=utf-8")) {
				t.Fatalf("Content-Type %q", ct)
			}
			if len(body) > 300 {
				t.Fatalf("a %d-byte error body", len(body))
			}
			want := maps.Clone(before)
			if tt.stored != nil {
				want["2001"] = [32]byte{} // checked below
			}
			var after snapshot
			// The handler may still be removing its temporary file.
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				after = takeSnapshot(t, dir)
				if slices.Equal(slices.Sorted(maps.Keys(after)), slices.Sorted(maps.Keys(want))) || time.Now().After(deadline) {
					break
				}
			}
			if tt.stored != nil {
				if status, _, got := request(t, "GET", inst.Base+"/v1/cache/2001", "reader", nil); status != 200 || !bytes.Equal(got, tt.stored) {
					t.Fatalf("stored entry: %d, %d bytes, want the %d sent", status, len(got), len(tt.stored))
				}
				want["2001"] = after["2001"]
				t.Cleanup(func() { _ = os.Remove(filepath.Join(dir, "2001")) })
			}
			if !maps.Equal(after, want) {
				t.Fatalf("the store changed:\nbefore %v\nafter  %v", slices.Sorted(maps.Keys(before)), slices.Sorted(maps.Keys(after)))
			}
			if got := testkit.DirNames(t, parent); !slices.Equal(got, beside) {
				t.Fatalf("beside the store: %v, was %v", got, beside)
			}
		})
	}
	if status, _, got := request(t, "GET", inst.Base+"/v1/cache/1001", "reader", nil); status != 200 || string(got) != "original" {
		t.Fatalf("the existing entry: %d %q", status, got)
	}
}
