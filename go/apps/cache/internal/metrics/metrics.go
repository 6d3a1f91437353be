// Package metrics counts what the cache server does and renders it in the
// Prometheus text exposition format (version 0.0.4), by hand: a few
// counters and gauges do not justify a client library.
package metrics

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync/atomic"

	"slipway/apps/cache/internal/store"
)

// ContentType is the media type of the text format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Reason is why a cache request was refused.
type Reason int

// Refusal reasons, the values of the "reason" label.
const (
	Unauthorized Reason = iota // 401: no or unknown token
	Forbidden                  // 403: a read-only token tried to write
	Exists                     // 409: the entry exists (immutable)
	InvalidHash                // 400: the hash failed validation
	TooLarge                   // 413: the entry exceeds the size limit
	BadBody                    // 400: body shorter/longer than declared, or cut off
	BadMethod                  // 405: not GET, HEAD or PUT
	numReasons
)

var reasonNames = [numReasons]string{"unauthorized", "forbidden", "exists", "invalid_hash", "too_large", "bad_body", "method_not_allowed"}

// String returns the label value.
func (r Reason) String() string { return reasonNames[r] }

// Op is a cache operation, the value of the "op" label of errors.
type Op int

// Operations.
const (
	OpGet Op = iota
	OpPut
	numOps
)

var opNames = [numOps]string{"get", "put"}

// Metrics holds the server's counters; safe for concurrent use. The zero
// value is ready.
type Metrics struct {
	hits, misses, stored, bytesIn, bytesOut atomic.Int64
	refusals                                [numReasons]atomic.Int64
	errors                                  [numOps]atomic.Int64
}

// Hit counts an entry served, with its size.
func (m *Metrics) Hit(bytes int64) { m.hits.Add(1); m.bytesOut.Add(bytes) }

// Miss counts a GET for an absent entry.
func (m *Metrics) Miss() { m.misses.Add(1) }

// Stored counts an entry stored, with its size.
func (m *Metrics) Stored(bytes int64) { m.stored.Add(1); m.bytesIn.Add(bytes) }

// Refused counts a refused request.
func (m *Metrics) Refused(r Reason) { m.refusals[r].Add(1) }

// Error counts a failure of the server or its store (a 500).
func (m *Metrics) Error(op Op) { m.errors[op].Add(1) }

// WriteText writes every metric in the text format. stats, when not nil,
// adds the store's gauges and upkeep counters; Entries and Bytes are left
// out when the store does not know them (-1). version labels the build
// info metric.
func (m *Metrics) WriteText(w io.Writer, version string, stats *store.Stats) error {
	var b strings.Builder
	metric := func(name, typ, help string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	metric("slipway_cache_build_info", "gauge", "Build of the cache server; the value is always 1.")
	fmt.Fprintf(&b, "slipway_cache_build_info{version=%q} 1\n", escapeLabel(version))
	simple := []struct {
		name, help string
		v          int64
	}{
		{"slipway_cache_hits_total", "Cache entries served (GET 200).", m.hits.Load()},
		{"slipway_cache_misses_total", "Lookups of absent entries (GET 404).", m.misses.Load()},
		{"slipway_cache_stored_total", "Entries stored (PUT 200).", m.stored.Load()},
		{"slipway_cache_bytes_in_total", "Payload bytes of stored entries.", m.bytesIn.Load()},
		{"slipway_cache_bytes_out_total", "Payload bytes of served entries.", m.bytesOut.Load()},
	}
	for _, c := range simple {
		metric(c.name, "counter", c.help)
		fmt.Fprintf(&b, "%s %d\n", c.name, c.v)
	}
	metric("slipway_cache_refusals_total", "counter", "Cache requests refused, by reason.")
	for r := range numReasons {
		fmt.Fprintf(&b, "slipway_cache_refusals_total{reason=%q} %d\n", r.String(), m.refusals[r].Load())
	}
	metric("slipway_cache_errors_total", "counter", "Cache requests that failed on the server side (500), by operation.")
	for op := range numOps {
		fmt.Fprintf(&b, "slipway_cache_errors_total{op=%q} %d\n", opNames[op], m.errors[op].Load())
	}
	if stats != nil {
		if stats.Entries >= 0 {
			metric("slipway_cache_entries", "gauge", "Entries in the store.")
			fmt.Fprintf(&b, "slipway_cache_entries %d\n", stats.Entries)
		}
		if stats.Bytes >= 0 {
			metric("slipway_cache_stored_bytes", "gauge", "Bytes the store's entries take on disk.")
			fmt.Fprintf(&b, "slipway_cache_stored_bytes %d\n", stats.Bytes)
		}
		if stats.TempBytes >= 0 {
			metric("slipway_cache_temp_bytes", "gauge", "Bytes of uploads in progress on disk; they count against the budget too.")
			fmt.Fprintf(&b, "slipway_cache_temp_bytes %d\n", stats.TempBytes)
		}
		metric("slipway_cache_evictions_total", "counter", "Entries removed by eviction, by reason.")
		fmt.Fprintf(&b, "slipway_cache_evictions_total{reason=\"age\"} %d\n", stats.EvictedByAge)
		fmt.Fprintf(&b, "slipway_cache_evictions_total{reason=\"size\"} %d\n", stats.EvictedBySize)
		metric("slipway_cache_corrupt_entries_total", "counter", "Entries that failed their integrity check and were removed.")
		fmt.Fprintf(&b, "slipway_cache_corrupt_entries_total %d\n", stats.Corrupt)
		if stats.PutPhases != nil { // the file store's upkeep
			metric("slipway_cache_hit_checks_total", "counter",
				"Integrity checks of entries read: hashed, or trusted (a check of the file as it is is on record).")
			fmt.Fprintf(&b, "slipway_cache_hit_checks_total{check=\"hashed\"} %d\n", stats.HashedReads)
			fmt.Fprintf(&b, "slipway_cache_hit_checks_total{check=\"trusted\"} %d\n", stats.TrustedReads)
			metric("slipway_cache_scrubbed_total", "counter", "Entries re-verified by the background scrub.")
			fmt.Fprintf(&b, "slipway_cache_scrubbed_total %d\n", stats.Scrubbed)
			metric("slipway_cache_scrub_passes_total", "counter", "Completed scrub passes over the store.")
			fmt.Fprintf(&b, "slipway_cache_scrub_passes_total %d\n", stats.ScrubPasses)
			metric("slipway_cache_dir_syncs_total", "counter", "fsyncs of the cache directory, shared between concurrent uploads.")
			fmt.Fprintf(&b, "slipway_cache_dir_syncs_total %d\n", stats.DirSyncs)
			metric("slipway_cache_put_phase_seconds_total", "counter", "Time uploads spent in each phase of storing an entry.")
			for _, phase := range slices.Sorted(maps.Keys(stats.PutPhases)) {
				fmt.Fprintf(&b, "slipway_cache_put_phase_seconds_total{phase=%q} %.6f\n", phase, stats.PutPhases[phase].Seconds())
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeLabel prepares a label value for %q: the text format escapes
// only backslash, double quote and newline, which %q does too; other
// control characters are dropped so that %q adds no escapes the format
// does not know.
func escapeLabel(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' || r == 0x7f || r > 0x7e {
			return -1
		}
		return r
	}, s)
}
