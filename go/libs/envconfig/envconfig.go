// Package envconfig reads typed configuration from environment variables.
//
// A Reader wraps a getenv function (os.Getenv in production, a map lookup in
// tests). Each accessor returns the parsed value, or the default when the
// variable is unset or blank; parse failures are collected, each naming the
// variable, and reported together by Err:
//
//	env := envconfig.New(getenv)
//	addr := env.String("API_ADDR", ":8080")
//	limit := env.Int64("API_MAX_BODY_BYTES", 65536)
//	if err := env.Err(); err != nil {
//		return err
//	}
package envconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

// Reader reads configuration values through a getenv function and collects
// the errors it meets. The zero value is not usable; call New.
type Reader struct {
	getenv func(string) string
	errs   []error
}

// New returns a Reader that looks variables up with getenv. A nil getenv
// behaves as if no variable were set.
func New(getenv func(string) string) *Reader {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return &Reader{getenv: getenv}
}

// VarError is a configuration error about one variable.
type VarError struct {
	// Name is the environment variable, e.g. "API_ADDR".
	Name string
	// Value is the raw value that was rejected (empty when the problem is
	// that the variable is missing).
	Value string
	// Reason says what is wrong, e.g. "must be a positive integer".
	Reason string
}

// Error implements error.
func (e *VarError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Name, e.Reason)
	}
	return fmt.Sprintf("%s=%q: %s", e.Name, e.Value, e.Reason)
}

// lookup returns the trimmed value of name and whether it is set (non-blank).
func (r *Reader) lookup(name string) (string, bool) {
	v := strings.TrimSpace(r.getenv(name))
	return v, v != ""
}

// Fail records an error about variable name, for checks the typed accessors
// do not cover (ranges, mutually exclusive settings). It is reported by Err.
func (r *Reader) Fail(name, value, reason string) {
	r.errs = append(r.errs, &VarError{Name: name, Value: value, Reason: reason})
}

// Err returns every error collected so far joined into one (nil if none).
// Each wrapped error is a *VarError.
func (r *Reader) Err() error {
	return errors.Join(r.errs...)
}

// String returns the trimmed value of name, or def when it is unset or blank.
func (r *Reader) String(name, def string) string {
	if v, ok := r.lookup(name); ok {
		return v
	}
	return def
}

// Required returns the trimmed value of name, recording an error when it is
// unset or blank.
func (r *Reader) Required(name string) string {
	v, ok := r.lookup(name)
	if !ok {
		r.Fail(name, "", "is required")
	}
	return v
}

// Int returns name parsed as a base-10 int, or def when unset.
func (r *Reader) Int(name string, def int) int {
	v, ok := r.lookup(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		r.Fail(name, v, "must be an integer")
		return def
	}
	return n
}

// Int64 returns name parsed as a base-10 int64, or def when unset.
func (r *Reader) Int64(name string, def int64) int64 {
	v, ok := r.lookup(name)
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r.Fail(name, v, "must be an integer")
		return def
	}
	return n
}

// Bool returns name parsed with strconv.ParseBool (1, t, true, 0, f, false,
// ...), or def when unset.
func (r *Reader) Bool(name string, def bool) bool {
	v, ok := r.lookup(name)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.Fail(name, v, "must be a boolean (true or false)")
		return def
	}
	return b
}

// Duration returns name parsed with time.ParseDuration (e.g. "10s", "1m30s"),
// or def when unset.
func (r *Reader) Duration(name string, def time.Duration) time.Duration {
	v, ok := r.lookup(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		r.Fail(name, v, `must be a duration such as "10s" or "1m30s"`)
		return def
	}
	return d
}

// List returns name split on commas, with items trimmed and blank items
// dropped, or def when unset. A value made only of commas and blanks yields
// an empty, non-nil slice.
func (r *Reader) List(name string, def []string) []string {
	v, ok := r.lookup(name)
	if !ok {
		return def
	}
	out := []string{}
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// byteUnits maps the accepted size suffixes to their multipliers: binary
// (KiB, MiB, GiB, TiB) and decimal (KB, MB, GB, TB), plus B.
var byteUnits = []struct {
	suffix string
	mult   int64
}{
	// Longest suffixes first, so "KiB" is not read as "B".
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"B", 1},
}

// Bytes returns name parsed as a byte size, or def when unset: a
// non-negative integer with an optional unit, case-insensitive, such as
// "1048576", "512MiB", "10 GiB" or "2GB" (KiB/MiB/GiB/TiB are powers of
// 1024, KB/MB/GB/TB powers of 1000).
func (r *Reader) Bytes(name string, def int64) int64 {
	v, ok := r.lookup(name)
	if !ok {
		return def
	}
	num, mult := v, int64(1)
	for _, u := range byteUnits {
		if len(v) > len(u.suffix) && strings.EqualFold(v[len(v)-len(u.suffix):], u.suffix) {
			num, mult = strings.TrimSpace(v[:len(v)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/mult {
		r.Fail(name, v, `must be a byte size such as "1048576", "512MiB" or "10GiB"`)
		return def
	}
	return n * mult
}

// FileLines reads the file named by variable name and returns its lines,
// trimmed, without blank lines and "#" comment lines; nil when name is
// unset. An unreadable file is recorded as an error. It suits secrets
// mounted as files (one token per line), which keeps them out of the
// process environment.
func (r *Reader) FileLines(name string) []string {
	path, ok := r.lookup(name)
	if !ok {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is already in the message
		}
		r.Fail(name, path, "cannot be read: "+err.Error())
		return nil
	}
	out := []string{}
	for line := range strings.SplitSeq(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}
