package s3store

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"slipway/apps/cache/internal/store"
	"slipway/apps/cache/internal/store/storetest"
	"slipway/libs/testkit"
)

// These tests need a real S3-compatible server. Start one on loopback with
//
//	eval "$(tools/s3-server/start.sh)"
//
// which builds a pinned MinIO from the Go module proxy, creates a bucket
// and prints the CACHE_TEST_S3_* variables read here.
const (
	envEndpoint  = "CACHE_TEST_S3_ENDPOINT"
	envAccessKey = "CACHE_TEST_S3_ACCESS_KEY"
	envSecretKey = "CACHE_TEST_S3_SECRET_KEY"
	envBucket    = "CACHE_TEST_S3_BUCKET"
	// envKind names the server and its version (minio@…): Nx hashes it
	// instead of the endpoint and keys, which change with every server.
	envKind = "CACHE_TEST_S3_KIND"
)

// testOptions returns options for the test server, skipping the test when
// none is configured (failing instead on CI, where it must run).
func testOptions(t *testing.T) Options {
	t.Helper()
	opts := Options{
		Endpoint:  os.Getenv(envEndpoint),
		AccessKey: os.Getenv(envAccessKey),
		SecretKey: os.Getenv(envSecretKey),
		Bucket:    os.Getenv(envBucket),
		Region:    "us-east-1",
		// A fresh prefix per test keeps runs apart in a shared bucket.
		Prefix:   "slipway-test/" + storetest.NewHash(t) + "/",
		SpoolDir: t.TempDir(),
	}
	if opts.Endpoint == "" || opts.Bucket == "" || opts.AccessKey == "" {
		msg := "no S3 test server: set " + envEndpoint + ", " + envAccessKey + ", " + envSecretKey + " and " +
			envBucket + " (eval \"$(tools/s3-server/start.sh)\" starts one)"
		testkit.Need(t, msg)
	}
	if os.Getenv(envKind) == "" {
		t.Fatal(envEndpoint + " is set but " + envKind + " is not: set it to the server's kind and version " +
			"(tools/s3-server/start.sh exports both), so that Nx's test hash tells this server from none")
	}
	return opts
}

func openTestStore(t *testing.T) (*Store, Options, *testkit.SyncBuffer) {
	t.Helper()
	opts := testOptions(t)
	logs := &testkit.SyncBuffer{}
	opts.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	s, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removePrefix(t, s) })
	return s, opts, logs
}

// removePrefix deletes what a test stored.
func removePrefix(t *testing.T, s *Store) {
	ctx := context.Background()
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if obj.Err != nil {
			t.Logf("cleanup list: %v", obj.Err)
			return
		}
		if err := s.client.RemoveObject(ctx, s.bucket, obj.Key, minio.RemoveObjectOptions{}); err != nil {
			t.Logf("cleanup remove %s: %v", obj.Key, err)
		}
	}
}

// TestStoreBehaviour runs the behaviour shared with the file store
// against the real server.
func TestStoreBehaviour(t *testing.T) {
	testOptions(t) // skip early, once, when no server is configured
	storetest.Run(t, func(t *testing.T) storetest.Subject {
		s, opts, logs := openTestStore(t)
		return storetest.Subject{
			Store: s,
			Corrupt: func(t *testing.T, hash string) {
				// Replace the bytes, keep the recorded checksum: what
				// bit rot or a tampering writer would leave.
				ctx := context.Background()
				info, err := s.client.StatObject(ctx, s.bucket, s.key(hash), minio.StatObjectOptions{})
				if err != nil {
					t.Fatal(err)
				}
				junk := storetest.Payload(t, int(info.Size))
				_, err = s.client.PutObject(ctx, s.bucket, s.key(hash), bytes.NewReader(junk), info.Size,
					minio.PutObjectOptions{UserMetadata: map[string]string{metaSHA256: info.UserMetadata[metaSHA256]}})
				if err != nil {
					t.Fatal(err)
				}
			},
			Leftovers: func(t *testing.T) []string { return testkit.DirNames(t, opts.SpoolDir) },
			Logs:      logs.String,
		}
	})
}

// TestObjectLayout checks what a Put leaves in the bucket: one object
// under the prefix, with the SHA-256 as metadata.
func TestObjectLayout(t *testing.T) {
	s, opts, _ := openTestStore(t)
	ctx := context.Background()
	if err := s.Put(ctx, "123", 5, strings.NewReader("hello")); err != nil {
		t.Fatal(err)
	}
	info, err := s.client.StatObject(ctx, opts.Bucket, opts.Prefix+"123", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != 5 || info.UserMetadata[metaSHA256] != "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" {
		t.Fatalf("object %d bytes, metadata %v", info.Size, info.UserMetadata)
	}
}

// TestConditionalPut bypasses the store's HEAD check: the server itself
// must refuse the second write (If-None-Match: *), which is what settles
// a race between two cache servers.
func TestConditionalPut(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	put := func(body string) error {
		opts := minio.PutObjectOptions{DisableMultipart: true}
		opts.SetMatchETagExcept("*")
		_, err := s.client.PutObject(ctx, s.bucket, s.key("77"), strings.NewReader(body), int64(len(body)), opts)
		return err
	}
	if err := put("one"); err != nil {
		t.Fatal(err)
	}
	err := put("two")
	if code := minio.ToErrorResponse(err).StatusCode; code != 412 && code != 409 {
		t.Fatalf("second conditional put: %v (status %d), want 412", err, code)
	}
}

// TestForeignObject: an object without the checksum metadata was not
// written by this server; it is answered as absent and left alone.
func TestForeignObject(t *testing.T) {
	s, _, logs := openTestStore(t)
	ctx := context.Background()
	if _, err := s.client.PutObject(ctx, s.bucket, s.key("88"), strings.NewReader("x"), 1, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "88"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get foreign: %v", err)
	}
	if _, err := s.client.StatObject(ctx, s.bucket, s.key("88"), minio.StatObjectOptions{}); err != nil {
		t.Fatalf("foreign object removed: %v", err)
	}
	if !strings.Contains(logs.String(), "no sha256 metadata") {
		t.Fatalf("not logged:\n%s", logs)
	}
}

func TestOpenErrors(t *testing.T) {
	opts := testOptions(t)
	tests := []struct {
		name    string
		change  func(o *Options)
		wantErr string
	}{
		{"missing bucket", func(o *Options) { o.Bucket = "no-such-bucket-" + storetest.NewHash(t) }, "does not exist"},
		{"wrong secret", func(o *Options) { o.SecretKey = "wrong" }, "check bucket"},
		{"no bucket", func(o *Options) { o.Bucket = "" }, "no bucket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := opts
			tt.change(&o)
			_, err := Open(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Open: %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseEndpoint(t *testing.T) {
	tests := []struct {
		endpoint   string
		insecure   bool
		wantHost   string
		wantSecure bool
		wantErr    bool
	}{
		{endpoint: "s3.fr-par.scw.cloud", wantHost: "s3.fr-par.scw.cloud", wantSecure: true},
		{endpoint: "127.0.0.1:9000", insecure: true, wantHost: "127.0.0.1:9000"},
		{endpoint: "https://s3.fr-par.scw.cloud", wantHost: "s3.fr-par.scw.cloud", wantSecure: true},
		{endpoint: "https://s3.fr-par.scw.cloud/", wantHost: "s3.fr-par.scw.cloud", wantSecure: true},
		{endpoint: "http://127.0.0.1:9000", wantHost: "127.0.0.1:9000"},
		{endpoint: "https://minio.internal:9000", insecure: true, wantHost: "minio.internal:9000"},
		{endpoint: "", wantErr: true},
		{endpoint: "ftp://host", wantErr: true},
		{endpoint: "https://host/bucket", wantErr: true},
		{endpoint: "https://", wantErr: true},
	}
	for _, tt := range tests {
		host, secure, err := parseEndpoint(tt.endpoint, tt.insecure)
		if (err != nil) != tt.wantErr || host != tt.wantHost || secure != tt.wantSecure {
			t.Errorf("parseEndpoint(%q, %v) = %q, %v, %v", tt.endpoint, tt.insecure, host, secure, err)
		}
	}
}

// TestReady: the bucket answers and the spool directory takes a write;
// a read-only spool directory or refused credentials make it not ready.
func TestReady(t *testing.T) {
	s, opts, _ := openTestStore(t)
	ctx := context.Background()
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("Ready: %v", err)
	}

	bad, err := minio.New(strings.TrimPrefix(opts.Endpoint, "http://"), &minio.Options{
		Creds: credentials.NewStaticV4(opts.AccessKey, "wrong-secret", ""), Region: opts.Region,
	})
	if err != nil {
		t.Fatal(err)
	}
	refused := &Store{client: bad, bucket: s.bucket, prefix: s.prefix, spool: s.spool, log: s.log}
	err = refused.Ready(ctx)
	if !errors.Is(err, store.ErrNotReady) || err.Error() != "not ready: the bucket does not answer (SignatureDoesNotMatch)" {
		t.Fatalf("Ready with a wrong secret: %v", err)
	}

	storetest.ReadOnly(t, opts.SpoolDir)
	err = s.Ready(ctx)
	if !errors.Is(err, store.ErrNotReady) || !strings.HasPrefix(err.Error(), "not ready: cannot create a file in the spool directory (") {
		t.Fatalf("Ready with a read-only spool directory: %v", err)
	}
}
