package fsstore

import (
	"bytes"
	"testing"
)

// FuzzParseHeader: an entry header that parses describes a non-negative
// size and survives a round trip; anything else is an error, never a
// panic.
func FuzzParseHeader(f *testing.F) {
	valid := header{sum: [32]byte{1, 2, 3}, size: 5}.marshal()
	f.Add(valid)
	f.Add(valid[:headerLen-1])
	f.Add(bytes.Replace(valid, []byte("size 0"), []byte("size -"), 1))
	f.Add(bytes.Replace(valid, []byte("size 0"), []byte("size +"), 1))
	f.Add(bytes.Replace(valid, []byte("sha256 01"), []byte("sha256 zz"), 1))
	f.Add(bytes.Repeat([]byte("\n"), headerLen))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := parseHeader(b)
		if err != nil {
			return
		}
		if h.size < 0 {
			t.Fatalf("negative size %d from %q", h.size, b)
		}
		again, err := parseHeader(h.marshal())
		if err != nil || again != h {
			t.Fatalf("round trip of %q: %+v, %v", b, again, err)
		}
	})
}

func TestParseHeaderRefusesSigns(t *testing.T) {
	valid := header{size: 5}.marshal()
	for _, sign := range []string{"+", "-", " "} {
		b := bytes.Replace(valid, []byte("size 0"), []byte("size "+sign), 1)
		if _, err := parseHeader(b); err == nil {
			t.Errorf("size field with %q accepted", sign)
		}
	}
}
