package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCheckHash: whatever the input, an accepted hash is 1 to MaxHashLen
// ASCII letters and digits, so that joined to a directory it names a file
// directly inside it.
func FuzzCheckHash(f *testing.F) {
	for _, s := range []string{"10292076446133652019", "abcDEF0123", "", ".", "..", "../etc/passwd", "a/b", "a%2Fb",
		"%2e%2e", "a\\b", "abc\x00", ".tmp", "ünïcode", strings.Repeat("9", MaxHashLen), strings.Repeat("9", MaxHashLen+1)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, hash string) {
		err := CheckHash(hash)
		ok := len(hash) >= 1 && len(hash) <= MaxHashLen
		for _, c := range []byte(hash) {
			ok = ok && ('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z')
		}
		if (err == nil) != ok {
			t.Fatalf("CheckHash(%q) = %v", hash, err)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidHash) {
				t.Fatalf("CheckHash(%q) error %v is not ErrInvalidHash", hash, err)
			}
			return
		}
		if p := filepath.Join("/cache", hash); filepath.Dir(p) != "/cache" || filepath.Base(p) != hash {
			t.Fatalf("accepted %q names %s", hash, p)
		}
	})
}

// FuzzReceiveBody: the byte count, the checksum and the size check hold
// for any body and any declared size.
func FuzzReceiveBody(f *testing.F) {
	f.Add([]byte("hello"), int64(5))
	f.Add([]byte("hello"), int64(-1))
	f.Add([]byte("hello"), int64(4))
	f.Add([]byte("hello"), int64(6))
	f.Add([]byte{}, int64(0))
	f.Add([]byte{}, int64(1<<62))
	f.Fuzz(func(t *testing.T, body []byte, size int64) {
		if size < -1 {
			size = -1
		}
		var dst bytes.Buffer
		rec, err := ReceiveBody(context.Background(), &dst, size, bytes.NewReader(body))
		n, sum := rec.N, rec.Sum
		want := size < 0 || size == int64(len(body))
		if want != (err == nil) {
			t.Fatalf("ReceiveBody(%d bytes, size %d) = %v", len(body), size, err)
		}
		if err != nil {
			if !errors.Is(err, ErrSizeMismatch) {
				t.Fatalf("error %v is not ErrSizeMismatch", err)
			}
			return
		}
		if n != int64(len(body)) || sum != sha256.Sum256(body) || !bytes.Equal(dst.Bytes(), body) {
			t.Fatalf("n %d, sum %x, dst %d bytes for a %d-byte body", n, sum, dst.Len(), len(body))
		}
	})
}
