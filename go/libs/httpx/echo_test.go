package httpx

import (
	"strings"
	"testing"
)

func TestEcho(t *testing.T) {
	tests := []struct{ in, want string }{
		{"gh-42", "gh-42"},
		{"é and 😀", "é and 😀"},
		{`say "hi"`, `say \"hi\"`},
		{"a\u202eb", `a\u202eb`},
		{"zero\u200bwidth", `zero\u200bwidth`},
		{"line\nbreak\x00", `line\nbreak\x00`},
		{"bad \xff utf-8", `bad \xff utf-8`},
		{strings.Repeat("x", MaxEcho), strings.Repeat("x", MaxEcho)},
		{strings.Repeat("x", MaxEcho+1), strings.Repeat("x", MaxEcho) + "…"},
		{strings.Repeat("é", 10_000), strings.Repeat("é", MaxEcho) + "…"},
	}
	for _, tt := range tests {
		if got := Echo(tt.in); got != tt.want {
			t.Errorf("Echo(%.20q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Quote("a\u202eb"); got != `"a\u202eb"` {
		t.Errorf("Quote = %s", got)
	}
	// However long or strange the input, the echo stays small.
	if got := Echo(strings.Repeat("\u202e", 10_000)); len(got) > 6*MaxEcho+len("…") {
		t.Errorf("echo of %d bytes", len(got))
	}
}
