package httpx

import (
	"strconv"
	"unicode/utf8"
)

// MaxEcho is how many characters of a client's input an error message
// repeats back: enough to recognise a value, while a 10 KB path or key
// costs the answer (and the log that records it) a few dozen bytes.
const MaxEcho = 64

// Echo returns client input for an error message or a fields key: cut to
// MaxEcho characters ("…" marks the cut) and escaped in Go syntax, so that
// control, format and bidi characters (U+202E shows as \u202e) and invalid
// UTF-8 cannot disguise the message they appear in.
func Echo(s string) string {
	cut := false
	if utf8.RuneCountInString(s) > MaxEcho {
		n := 0
		for i := range s {
			if n == MaxEcho {
				s, cut = s[:i], true
				break
			}
			n++
		}
	}
	q := strconv.Quote(s)
	q = q[1 : len(q)-1]
	if cut {
		q += "…"
	}
	return q
}

// Quote is Echo in double quotes, for quoting a value inside a sentence.
func Quote(s string) string {
	return `"` + Echo(s) + `"`
}
