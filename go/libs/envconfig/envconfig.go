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
