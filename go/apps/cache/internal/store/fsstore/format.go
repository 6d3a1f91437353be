package fsstore

import (
	"encoding/hex"
	"fmt"
	"strconv"
)

// An entry file is a fixed-size text header followed by the payload (the
// bytes Nx uploaded):
//
//	SLIPWAY-CACHE-1\n
//	sha256 <64 hex digits of the payload's SHA-256>\n
//	size <payload length, 20 decimal digits>\n
//	<payload>
//
// Keeping the checksum inside the entry, rather than in a sidecar file,
// means one atomic publish makes entry and checksum visible together; there
// is never an entry without its checksum or the other way round.
const (
	headerMagic = "SLIPWAY-CACHE-1\n"
	headerLen   = len(headerMagic) + len("sha256 ") + 64 + 1 + len("size ") + 20 + 1
)

// header is the parsed header of an entry file.
type header struct {
	sum  [32]byte
	size int64
}

// marshal renders h as exactly headerLen bytes.
func (h header) marshal() []byte {
	b := fmt.Appendf(nil, "%ssha256 %x\nsize %020d\n", headerMagic, h.sum, h.size)
	if len(b) != headerLen {
		panic("fsstore: header length mismatch") // unreachable: size >= 0
	}
	return b
}

// parseHeader parses the first headerLen bytes of an entry file.
func parseHeader(b []byte) (header, error) {
	var h header
	if len(b) != headerLen || string(b[:len(headerMagic)]) != headerMagic {
		return h, fmt.Errorf("not a cache entry (bad magic)")
	}
	rest := b[len(headerMagic):]
	if string(rest[:7]) != "sha256 " || rest[7+64] != '\n' {
		return h, fmt.Errorf("malformed sha256 line")
	}
	if _, err := hex.Decode(h.sum[:], rest[7:7+64]); err != nil {
		return h, fmt.Errorf("malformed sha256: %w", err)
	}
	rest = rest[7+64+1:]
	if string(rest[:5]) != "size " || rest[5+20] != '\n' {
		return h, fmt.Errorf("malformed size line")
	}
	digits := rest[5 : 5+20]
	for _, c := range digits {
		if c < '0' || c > '9' { // ParseInt would take a sign
			return h, fmt.Errorf("malformed size %q", digits)
		}
	}
	n, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil {
		return h, fmt.Errorf("malformed size %q", digits)
	}
	h.size = n
	return h, nil
}
