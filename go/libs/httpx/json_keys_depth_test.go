package httpx

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// A deeply nested body costs the key check memory in proportion to its size,
// not to its depth squared (the path of the key being read is joined only for
// an error). Measured in bytes allocated, which does not depend on the
// machine's speed: at 20 000 levels a path string per level would allocate
// hundreds of MB.
func TestKeyCheckOfDeepNestingIsLinear(t *testing.T) {
	var dst struct {
		Raw any `json:"raw"`
	}
	for _, body := range []string{
		strings.Repeat("[", 20000),
		`{"raw":` + strings.Repeat(`[{"a":`, 3000),
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if e := checkKeys([]byte(body), reflect.TypeOf(&dst)); e != nil {
			t.Fatalf("checkKeys(%.20q…) = %v, want no key error (the decoder refuses the body)", body, e)
		}
		runtime.ReadMemStats(&after)
		if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
			t.Errorf("checkKeys of %d bytes nested allocated %d MB, want under 64 MB", len(body), got>>20)
		}
	}
}

func TestKeyCheckNamesNestedPaths(t *testing.T) {
	var dst struct {
		Items []struct {
			K int `json:"k"`
		} `json:"items"`
		Raw any `json:"raw"`
	}
	for _, c := range []struct{ body, path string }{
		{`{"items":[{"k":1},{"k":1,"k":2}]}`, "items[1].k"},
		{`{"raw":[0,[{"a":1,"a":2}]]}`, "raw[1][0].a"},
		{`{"items":[{"K":1}]}`, "items[0].K"},
	} {
		e := checkKeys([]byte(c.body), reflect.TypeOf(&dst))
		if e == nil {
			t.Fatalf("checkKeys(%s) = nil, want an error naming %s", c.body, c.path)
		}
		if _, ok := e.Fields[c.path]; !ok {
			t.Errorf("checkKeys(%s) fields = %v, want the key %s", c.body, e.Fields, c.path)
		}
	}
}
