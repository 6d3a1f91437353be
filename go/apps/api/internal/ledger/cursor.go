package ledger

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// BuildCursor is a position in the newest-first order of an image's
// builds: the RecordedAt and ID of the last build already seen. Clients
// treat its encoded form as opaque.
type BuildCursor struct {
	// RecordedAt is the recording time of the last build seen.
	RecordedAt time.Time
	// ID is the id of the last build seen.
	ID int64
}

// BuildCursorAt returns the cursor pointing at b.
func BuildCursorAt(b Build) BuildCursor {
	return BuildCursor{RecordedAt: b.RecordedAt, ID: b.ID}
}

// strictBase64 decodes the cursors: strict, so that each position has one
// encoded form (a cursor parses only if it is exactly what String made).
var strictBase64 = base64.RawURLEncoding.Strict()

// decodeCursor decodes the base64 of a cursor, refusing any other spelling
// of the same bytes: the decoder skips '\r' and '\n' even when strict.
func decodeCursor(s string) ([]byte, bool) {
	raw, err := strictBase64.DecodeString(s)
	if err != nil || s == "" || strictBase64.EncodeToString(raw) != s {
		return nil, false
	}
	return raw, true
}

// buildCursorVersion prefixes the encoded form so that the format can
// change.
const buildCursorVersion = "v1"

// ErrInvalidCursor is returned by the cursor parsers for malformed cursors.
var ErrInvalidCursor = errors.New("invalid cursor")

// String encodes the cursor as URL-safe base64 text.
func (c BuildCursor) String() string {
	raw := fmt.Sprintf("%s:%d:%d", buildCursorVersion, c.RecordedAt.UnixMilli(), c.ID)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseBuildCursor decodes a cursor produced by BuildCursor.String.
func ParseBuildCursor(s string) (BuildCursor, error) {
	ms, id, ok := parseTimeID(s, buildCursorVersion)
	if !ok {
		return BuildCursor{}, ErrInvalidCursor
	}
	return BuildCursor{RecordedAt: time.UnixMilli(ms).UTC(), ID: id}, nil
}

// RunCursor is a position in the newest-first order of CI runs: the
// StartedAt and CIRunID of the last run already seen. Clients treat its
// encoded form as opaque.
type RunCursor struct {
	// StartedAt is the start of the last run seen.
	StartedAt time.Time
	// CIRunID is the id of the last run seen.
	CIRunID string
}

// runCursorVersion prefixes the encoded form; it differs from
// buildCursorVersion so that a builds cursor is not taken for a runs cursor.
const runCursorVersion = "r1"

// RunCursorAt returns the cursor pointing at r.
func RunCursorAt(r RunSummary) RunCursor {
	return RunCursor{StartedAt: r.StartedAt, CIRunID: r.CIRunID}
}

// String encodes the cursor as URL-safe base64 text.
func (c RunCursor) String() string {
	raw := fmt.Sprintf("%s:%d:%s", runCursorVersion, c.StartedAt.UnixMilli(), c.CIRunID)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseRunCursor decodes a cursor produced by RunCursor.String.
func ParseRunCursor(s string) (RunCursor, error) {
	raw, ok := decodeCursor(s)
	if !ok {
		return RunCursor{}, ErrInvalidCursor
	}
	// The run id may itself contain ':', so it is everything after the
	// second one.
	parts := strings.SplitN(string(raw), ":", 3)
	if len(parts) != 3 || parts[0] != runCursorVersion || parts[2] == "" {
		return RunCursor{}, ErrInvalidCursor
	}
	ms, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || ms < 0 || strconv.FormatInt(ms, 10) != parts[1] || !PossibleCIRunID(parts[2]) {
		return RunCursor{}, ErrInvalidCursor
	}
	return RunCursor{StartedAt: time.UnixMilli(ms).UTC(), CIRunID: parts[2]}, nil
}

// ImageCursor is a position in the image overview's order (newest latest
// build first): the RecordedAt and ID of the latest build of the last image
// already seen. Clients treat its encoded form as opaque.
type ImageCursor struct {
	// RecordedAt is when the last seen image's latest build was recorded.
	RecordedAt time.Time
	// ID is the id of that build.
	ID int64
}

// imageCursorVersion prefixes the encoded form; it differs from the other
// cursors' so that none is taken for another.
const imageCursorVersion = "i1"

// ImageCursorAt returns the cursor pointing at im.
func ImageCursorAt(im ImageSummary) ImageCursor {
	return ImageCursor{RecordedAt: im.Latest.RecordedAt, ID: im.Latest.ID}
}

// String encodes the cursor as URL-safe base64 text.
func (c ImageCursor) String() string {
	raw := fmt.Sprintf("%s:%d:%d", imageCursorVersion, c.RecordedAt.UnixMilli(), c.ID)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseImageCursor decodes a cursor produced by ImageCursor.String.
func ParseImageCursor(s string) (ImageCursor, error) {
	ms, id, ok := parseTimeID(s, imageCursorVersion)
	if !ok {
		return ImageCursor{}, ErrInvalidCursor
	}
	return ImageCursor{RecordedAt: time.UnixMilli(ms).UTC(), ID: id}, nil
}

// parseTimeID decodes "<version>:<ms>:<id>" in URL-safe base64, with
// ms >= 0 and id > 0, both in canonical decimal form (so that each position
// has one spelling).
func parseTimeID(s, version string) (ms, id int64, ok bool) {
	raw, ok := decodeCursor(s)
	if !ok {
		return 0, 0, false
	}
	parts := strings.Split(string(raw), ":")
	if len(parts) != 3 || parts[0] != version {
		return 0, 0, false
	}
	ms, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || ms < 0 || id <= 0 ||
		strconv.FormatInt(ms, 10) != parts[1] || strconv.FormatInt(id, 10) != parts[2] {
		return 0, 0, false
	}
	return ms, id, true
}
