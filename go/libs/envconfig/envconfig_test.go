package envconfig

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestAccessors(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		get     func(r *Reader) any
		want    any
		wantErr string // substring of the error; empty means no error
	}{
		{name: "string default", value: "", get: func(r *Reader) any { return r.String("V", "def") }, want: "def"},
		{name: "string blank is default", value: "   ", get: func(r *Reader) any { return r.String("V", "def") }, want: "def"},
		{name: "string trimmed", value: " x ", get: func(r *Reader) any { return r.String("V", "def") }, want: "x"},
		{name: "required set", value: "x", get: func(r *Reader) any { return r.Required("V") }, want: "x"},
		{name: "required missing", value: "", get: func(r *Reader) any { return r.Required("V") }, want: "", wantErr: "V: is required"},
		{name: "int default", value: "", get: func(r *Reader) any { return r.Int("V", 7) }, want: 7},
		{name: "int", value: "-12", get: func(r *Reader) any { return r.Int("V", 7) }, want: -12},
		{name: "int bad", value: "12x", get: func(r *Reader) any { return r.Int("V", 7) }, want: 7, wantErr: `V="12x": must be an integer`},
		{name: "int64", value: "65536", get: func(r *Reader) any { return r.Int64("V", 1) }, want: int64(65536)},
		{name: "int64 bad", value: "64KiB", get: func(r *Reader) any { return r.Int64("V", 1) }, want: int64(1), wantErr: `V="64KiB": must be an integer`},
		{name: "int64 overflow", value: "99999999999999999999", get: func(r *Reader) any { return r.Int64("V", 1) }, want: int64(1), wantErr: "must be an integer"},
		{name: "bool", value: "true", get: func(r *Reader) any { return r.Bool("V", false) }, want: true},
		{name: "bool 0", value: "0", get: func(r *Reader) any { return r.Bool("V", true) }, want: false},
		{name: "bool bad", value: "yes", get: func(r *Reader) any { return r.Bool("V", false) }, want: false, wantErr: `V="yes": must be a boolean`},
		{name: "duration default", value: "", get: func(r *Reader) any { return r.Duration("V", time.Second) }, want: time.Second},
		{name: "duration", value: "1m30s", get: func(r *Reader) any { return r.Duration("V", time.Second) }, want: 90 * time.Second},
		{name: "duration bare number", value: "10", get: func(r *Reader) any { return r.Duration("V", time.Second) }, want: time.Second, wantErr: `V="10": must be a duration`},
		{name: "list default", value: "", get: func(r *Reader) any { return r.List("V", []string{"d"}) }, want: []string{"d"}},
		{name: "list", value: " a, b ,,c ", get: func(r *Reader) any { return r.List("V", nil) }, want: []string{"a", "b", "c"}},
		{name: "bytes default", value: "", get: func(r *Reader) any { return r.Bytes("V", 5) }, want: int64(5)},
		{name: "bytes plain", value: "1048576", get: func(r *Reader) any { return r.Bytes("V", 5) }, want: int64(1 << 20)},
		{name: "bytes B", value: "100B", get: func(r *Reader) any { return r.Bytes("V", 5) }, want: int64(100)},
		{name: "bytes KiB", value: "64KiB", get: func(r *Reader) any { return r.Bytes("V", 5) }, want: int64(64 << 10)},
		{name: "bytes GiB spaced lower", value: "10 gib", get: func(r *Reader) any { return r.Bytes("V", 5) }, want: int64(10 << 30)},
		{name: "bytes TiB", value: "2TiB", get: func(r *Reader) any { return r.Bytes("V", 5) }, want: int64(2 << 40)},
		{name: "bytes GB decimal", value: "2GB", get: func(r *Reader) any { return r.Bytes("V", 5) }, want: int64(2e9)},
		{name: "bytes MB decimal", value: "3MB", get: func(r *Reader) any { return r.Bytes("V", 5) }, want: int64(3e6)},
		{name: "bytes unit only", value: "GiB", get: func(r *Reader) any { return r.Bytes("V", 5) }, want: int64(5), wantErr: "must be a byte size"},
		{name: "bytes negative", value: "-1", get: func(r *Reader) any { return r.Bytes("V", 5) }, want: int64(5), wantErr: "must be a byte size"},
		{name: "bytes fraction", value: "1.5GiB", get: func(r *Reader) any { return r.Bytes("V", 5) }, want: int64(5), wantErr: "must be a byte size"},
		{name: "bytes unknown unit", value: "10GB/s", get: func(r *Reader) any { return r.Bytes("V", 5) }, want: int64(5), wantErr: "must be a byte size"},
		{name: "bytes overflow", value: "9000000TiB", get: func(r *Reader) any { return r.Bytes("V", 5) }, want: int64(5), wantErr: "must be a byte size"},
		{name: "list only commas", value: ", ,", get: func(r *Reader) any { return r.List("V", []string{"d"}) }, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New(env(map[string]string{"V": tt.value}))
			got := tt.get(r)
			if gs, ok := got.([]string); ok {
				if !slices.Equal(gs, tt.want.([]string)) {
					t.Fatalf("got %q, want %q", gs, tt.want)
				}
			} else if got != tt.want {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
			err := r.Err()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("expected error containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestErrCollectsEveryVariable(t *testing.T) {
	r := New(env(map[string]string{"A": "x", "B": "y", "C": "5"}))
	r.Int("A", 0)
	r.Duration("B", 0)
	if c := r.Int("C", 0); c > 3 {
		r.Fail("C", "5", "must be at most 3")
	}
	err := r.Err()
	if err == nil {
		t.Fatal("expected errors")
	}
	for _, name := range []string{"A", "B", "C"} {
		if !strings.Contains(err.Error(), name+"=") {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
	var ve *VarError
	if !errors.As(err, &ve) || ve.Name != "A" {
		t.Fatalf("errors.As(*VarError) = %v, first name %q", ve, ve.Name)
	}
}

func TestNilGetenv(t *testing.T) {
	r := New(nil)
	if got := r.String("X", "d"); got != "d" {
		t.Fatalf("got %q", got)
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
}

func TestFileLines(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens")
	content := "# read tokens\n\n  alpha  \r\nbeta\n   # indented comment\ngamma # not a comment\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("# nothing\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		value   string
		want    []string
		wantErr string
	}{
		{name: "unset", value: "", want: nil},
		{name: "lines", value: path, want: []string{"alpha", "beta", "gamma # not a comment"}},
		{name: "only comments", value: empty, want: []string{}},
		{name: "missing file", value: filepath.Join(dir, "nope"), want: nil, wantErr: "cannot be read: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New(env(map[string]string{"F": tt.value}))
			got := r.FileLines("F")
			if !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			err := r.Err()
			if (err != nil) != (tt.wantErr != "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err %v, want %q", err, tt.wantErr)
			}
		})
	}
}
