// Package logging sets up structured JSON logging with log/slog.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// ParseLevel parses a level name such as "debug", "info", "warn" (or
// "warning") or "error", case-insensitively. An empty string means info.
// Offsets understood by slog, such as "info+2", are accepted too.
func ParseLevel(s string) (slog.Level, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "":
		return slog.LevelInfo, nil
	case "warning":
		return slog.LevelWarn, nil
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("unknown log level %q (want debug, info, warn or error)", s)
	}
	return l, nil
}

// New returns a logger that writes one JSON object per line to w, dropping
// records below the given level name (see ParseLevel).
func New(w io.Writer, level string) (*slog.Logger, error) {
	l, err := ParseLevel(level)
	if err != nil {
		return nil, err
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// Discard returns a logger that drops everything; handy in tests.
func Discard() *slog.Logger {
	return slog.New(slog.DiscardHandler)
}
