package store

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckHash(t *testing.T) {
	tests := []struct {
		hash string
		ok   bool
	}{
		{"10292076446133652019", true}, // what Nx 23 sends: a decimal u64
		{"6193209363630369380", true},
		{"0", true},
		{"abcDEF0123", true},
		{strings.Repeat("9", MaxHashLen), true},
		{strings.Repeat("9", MaxHashLen+1), false},
		{"", false},
		{".", false},
		{"..", false},
		{"../etc/passwd", false},
		{"a/b", false},
		{"a%2Fb", false},
		{"%2e%2e", false},
		{"a\\b", false},
		{"abc def", false},
		{"abc\n", false},
		{"abc\x00", false},
		{"hash.sha256", false},
		{"-rf", false},
		{"ünïcode", false},
	}
	for _, tt := range tests {
		err := CheckHash(tt.hash)
		if (err == nil) != tt.ok {
			t.Errorf("CheckHash(%q) = %v, want ok=%v", tt.hash, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidHash) {
			t.Errorf("CheckHash(%q) error %v is not ErrInvalidHash", tt.hash, err)
		}
	}
}
