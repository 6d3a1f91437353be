package envconfig

import (
	"errors"
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
