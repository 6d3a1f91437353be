package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// IdempotencyKey ties a recorded build to the Idempotency-Key of the
// request that recorded it, so that a retry of that request (whose first
// answer was lost) gets the same build instead of a second one.
type IdempotencyKey struct {
	// Scope separates the keys of different clients: a digest of the
	// bearer token, so that one token's keys never meet another's.
	Scope string
	// Key is the client's Idempotency-Key header.
	Key string
	// RequestHash identifies the build sent (NewBuild.Fingerprint), to tell
	// a retry from another build sent under the same key.
	RequestHash string
}

// IdempotencyKeyTTL is how long a key is remembered after its first use.
const IdempotencyKeyTTL = 24 * time.Hour

// MaxIdempotencyKeyLen bounds an Idempotency-Key.
const MaxIdempotencyKeyLen = 128

// ErrIdempotencyKeyReused is returned by Store.AddBuildOnce when the key
// was used, within IdempotencyKeyTTL, for another build.
var ErrIdempotencyKeyReused = errors.New("idempotency key already used for another build")

// ValidateIdempotencyKey checks an Idempotency-Key header value: 1 to
// MaxIdempotencyKeyLen visible ASCII characters (a UUID, or a digest, fits).
// It returns a description of the problem, or "" when k is valid.
func ValidateIdempotencyKey(k string) string {
	msg := fmt.Sprintf("must be 1 to %d visible ASCII characters (letters, digits and punctuation, no spaces)", MaxIdempotencyKeyLen)
	if k == "" || len(k) > MaxIdempotencyKeyLen {
		return msg
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return msg
		}
	}
	return ""
}

// Fingerprint identifies the build b describes: the hex SHA-256 of its
// JSON form, which lists the fields in a fixed order, so the same build
// sent twice, however its JSON was spaced or ordered, has one fingerprint.
func (b NewBuild) Fingerprint() string {
	raw, err := json.Marshal(b)
	if err != nil {
		panic(err) // unreachable: NewBuild holds only strings and numbers
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}
