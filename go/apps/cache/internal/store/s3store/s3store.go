// Package s3store keeps remote cache entries in S3-compatible object
// storage (Scaleway Object Storage, MinIO, AWS S3) through minio-go. Put
// spools and hashes an upload locally and sends only a complete body, in
// one conditional PutObject (If-None-Match: *, so an entry is never
// replaced) with its SHA-256 as metadata; Get downloads to a local file and
// checks it against that before anything is served. Eviction is the
// bucket's lifecycle rule. Why minio-go, and why these checks:
// tools/remote-cache/README.md and docs/adr/0003-remote-cache-server.md.
//
// One file over 300 lines: Get, Put and the eviction pass share the bucket rules.
package s3store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"slipway/apps/cache/internal/store"
)

// MaxObjectBytes is the largest entry a single PutObject may carry (the
// S3 limit); larger ones would need a multipart upload, whose conditional
// completion fewer servers support.
const MaxObjectBytes = 5 << 30

// metaSHA256 is the user metadata key (x-amz-meta-sha256) holding the
// payload's hex SHA-256. minio-go reports it canonicalized.
const metaSHA256 = "Sha256"

// Options configures a Store.
type Options struct {
	// Endpoint is "host[:port]" or a URL ("https://s3.fr-par.scw.cloud",
	// "http://127.0.0.1:9000"); an http:// URL implies Insecure.
	Endpoint string
	// Insecure talks plain HTTP (for local test servers).
	Insecure bool
	// Region is the bucket's region, e.g. "fr-par"; empty lets the
	// client ask the server.
	Region string
	// Bucket must exist.
	Bucket string
	// Prefix is prepended to every object key, e.g. "nx/".
	Prefix string
	// AccessKey, SecretKey and SessionToken are static credentials.
	// Without AccessKey the instance's IAM role is used (EC2, ECS, EKS).
	AccessKey, SecretKey, SessionToken string
	// SpoolDir holds temporary copies of entries in transit; os.TempDir()
	// when empty. It needs room for the uploads and downloads in flight.
	SpoolDir string
	// MinFreeBytes is the free space of SpoolDir below which Ready
	// reports the store not ready; 0 means no minimum.
	MinFreeBytes int64
	// Logger receives corruption reports.
	Logger *slog.Logger
	// Transport overrides the HTTP transport (tests).
	Transport http.RoundTripper
}

// Store is a store.Store on S3-compatible object storage. Create it with
// Open.
type Store struct {
	client  *minio.Client
	bucket  string
	prefix  string
	spool   string
	minFree int64
	log     *slog.Logger

	corrupt atomic.Int64
}

var (
	_ store.Store            = (*Store)(nil)
	_ store.StatsReporter    = (*Store)(nil)
	_ store.ReadinessChecker = (*Store)(nil)
)

// Open connects to the endpoint and checks that the bucket exists.
func Open(ctx context.Context, opts Options) (*Store, error) {
	host, secure, err := parseEndpoint(opts.Endpoint, opts.Insecure)
	if err != nil {
		return nil, err
	}
	if opts.Bucket == "" {
		return nil, errors.New("s3store: no bucket given")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.SpoolDir == "" {
		opts.SpoolDir = os.TempDir()
	}
	if err := os.MkdirAll(opts.SpoolDir, 0o750); err != nil {
		return nil, fmt.Errorf("s3store: spool directory: %w", err)
	}
	creds := credentials.NewIAM("")
	if opts.AccessKey != "" {
		creds = credentials.NewStaticV4(opts.AccessKey, opts.SecretKey, opts.SessionToken)
	}
	client, err := minio.New(host, &minio.Options{
		Creds:     creds,
		Secure:    secure,
		Region:    opts.Region,
		Transport: opts.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("s3store: %w", err)
	}
	ok, err := client.BucketExists(ctx, opts.Bucket)
	if err != nil {
		return nil, fmt.Errorf("s3store: check bucket %q at %s: %w", opts.Bucket, host, err)
	}
	if !ok {
		return nil, fmt.Errorf("s3store: bucket %q does not exist at %s", opts.Bucket, host)
	}
	return &Store{
		client:  client,
		bucket:  opts.Bucket,
		prefix:  opts.Prefix,
		spool:   opts.SpoolDir,
		minFree: opts.MinFreeBytes,
		log:     opts.Logger,
	}, nil
}

// parseEndpoint turns Endpoint into minio-go's host[:port] and TLS flag.
func parseEndpoint(endpoint string, insecure bool) (string, bool, error) {
	if endpoint == "" {
		return "", false, errors.New("s3store: no endpoint given")
	}
	if !strings.Contains(endpoint, "://") {
		return endpoint, !insecure, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false, fmt.Errorf("s3store: endpoint %q must be host[:port] or http(s)://host[:port]", endpoint)
	}
	return u.Host, u.Scheme == "https" && !insecure, nil
}

// Stats implements store.StatsReporter: only corruption is known; counts
// and sizes would need a listing.
func (s *Store) Stats() store.Stats {
	return store.Stats{Entries: -1, Bytes: -1, TempBytes: -1, Corrupt: s.corrupt.Load()}
}

// Ready implements store.ReadinessChecker: the bucket answers (a HEAD of
// the bucket with the store's credentials), and the spool directory, where
// every upload goes first, has the free space required and takes a write.
func (s *Store) Ready(ctx context.Context) error {
	if err := store.ProbeDir(s.spool, "", "the spool directory", s.minFree); err != nil {
		return err
	}
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		s.log.Warn("bucket probe failed", slog.String("bucket", s.bucket), slog.Any("err", err))
		return fmt.Errorf("%w: the bucket does not answer (%s)", store.ErrNotReady, bucketErrorText(err))
	}
	if !ok {
		return fmt.Errorf("%w: the bucket does not exist", store.ErrNotReady)
	}
	return nil
}

// bucketErrorText names a failed bucket probe without secrets: the S3
// error code when there is one, else whether it timed out.
func bucketErrorText(err error) string {
	if code := minio.ToErrorResponse(err).Code; code != "" {
		return code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return "no answer"
}

// key returns the object key of a validated hash.
func (s *Store) key(hash string) string { return s.prefix + hash }

// Put implements store.Store.
func (s *Store) Put(ctx context.Context, hash string, size int64, body io.Reader) error {
	if err := store.CheckHash(hash); err != nil {
		return err
	}
	key := s.key(hash)
	if size > MaxObjectBytes {
		return fmt.Errorf("%w: %d bytes is more than one S3 PutObject can take", store.ErrTooLarge, size)
	}

	f, err := s.tempFile()
	if err != nil {
		return err
	}
	defer f.Close()
	rec, err := store.ReceiveBody(ctx, f, size, body)
	n, sum := rec.N, rec.Sum
	if err != nil {
		var be *store.BodyError
		if !errors.Is(err, store.ErrSizeMismatch) && !errors.As(err, &be) {
			err = fmt.Errorf("s3store: spool: %w", err)
		}
		return err
	}
	if n > MaxObjectBytes {
		return fmt.Errorf("%w: %d bytes is more than one S3 PutObject can take", store.ErrTooLarge, n)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("s3store: spool: %w", err)
	}

	opts := minio.PutObjectOptions{
		ContentType:      "application/octet-stream",
		UserMetadata:     map[string]string{metaSHA256: hex.EncodeToString(sum[:])},
		SendContentMd5:   true,
		DisableMultipart: true,
	}
	opts.SetMatchETagExcept("*") // If-None-Match: *
	_, err = s.client.PutObject(ctx, s.bucket, key, f, n, opts)
	if err != nil {
		resp := minio.ToErrorResponse(err)
		if resp.StatusCode == http.StatusPreconditionFailed || resp.StatusCode == http.StatusConflict {
			return store.ErrExists
		}
		return fmt.Errorf("s3store: put %s: %w", key, err)
	}
	return nil
}

// Exists implements store.Store with a HEAD of the object.
func (s *Store) Exists(ctx context.Context, hash string) (bool, error) {
	if err := store.CheckHash(hash); err != nil {
		return false, err
	}
	_, err := s.client.StatObject(ctx, s.bucket, s.key(hash), minio.StatObjectOptions{})
	switch {
	case err == nil:
		return true, nil
	case minio.ToErrorResponse(err).StatusCode == http.StatusNotFound:
		return false, nil
	default:
		return false, fmt.Errorf("s3store: stat %s: %w", s.key(hash), err)
	}
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, hash string) (*store.Entry, error) {
	if err := store.CheckHash(hash); err != nil {
		return nil, err
	}
	key := s.key(hash)
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("s3store: get %s: %w", key, err)
	}
	defer obj.Close()
	info, err := obj.Stat()
	if err != nil {
		if minio.ToErrorResponse(err).StatusCode == http.StatusNotFound {
			return nil, store.ErrNotFound
		}
		return nil, fmt.Errorf("s3store: get %s: %w", key, err)
	}
	want := info.UserMetadata[metaSHA256]
	if want == "" {
		s.log.Warn("object has no sha256 metadata; not written by this server, answering as absent",
			slog.String("hash", hash), slog.String("key", key))
		return nil, store.ErrNotFound
	}

	f, err := s.tempFile()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), obj)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("s3store: download %s: %w", key, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want || n != info.Size {
		f.Close()
		s.discardCorrupt(ctx, hash, key, fmt.Sprintf("sha256 is %s (%d bytes), metadata says %s (%d bytes)", got, n, want, info.Size))
		return nil, store.ErrNotFound
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("s3store: spool: %w", err)
	}
	return &store.Entry{Size: n, Body: f}, nil
}

// discardCorrupt logs and deletes an object that failed verification.
func (s *Store) discardCorrupt(ctx context.Context, hash, key, reason string) {
	s.corrupt.Add(1)
	s.log.Error("corrupt cache entry: removing it and answering as absent",
		slog.String("hash", hash), slog.String("key", key), slog.String("reason", reason))
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		s.log.Error("cannot remove corrupt cache entry", slog.String("key", key), slog.Any("err", err))
	}
}

// tempFile creates a spool file and unlinks it at once: the open file
// stays usable, and nothing is left behind whatever happens next.
func (s *Store) tempFile() (*os.File, error) {
	f, err := os.CreateTemp(s.spool, "slipway-cache-*")
	if err != nil {
		return nil, fmt.Errorf("s3store: spool: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, fmt.Errorf("s3store: spool: %w", err)
	}
	return f, nil
}
