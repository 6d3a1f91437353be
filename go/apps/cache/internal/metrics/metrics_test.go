package metrics

import (
	"strings"
	"testing"
	"time"

	"slipway/apps/cache/internal/store"
)

func TestWriteText(t *testing.T) {
	var m Metrics
	m.Hit(100)
	m.Hit(50)
	m.Miss()
	m.Stored(70)
	m.Refused(Unauthorized)
	m.Refused(Unauthorized)
	m.Refused(Exists)
	m.Error(OpPut)

	tests := []struct {
		name    string
		version string
		stats   *store.Stats
		want    []string
		notWant []string
	}{
		{
			name:    "counters without store stats",
			version: "1.2.3",
			want: []string{
				"# HELP slipway_cache_hits_total Cache entries served (GET 200).\n# TYPE slipway_cache_hits_total counter\nslipway_cache_hits_total 2\n",
				`slipway_cache_build_info{version="1.2.3"} 1` + "\n",
				"slipway_cache_misses_total 1\n",
				"slipway_cache_stored_total 1\n",
				"slipway_cache_bytes_in_total 70\n",
				"slipway_cache_bytes_out_total 150\n",
				"# TYPE slipway_cache_refusals_total counter\n",
				`slipway_cache_refusals_total{reason="unauthorized"} 2` + "\n",
				`slipway_cache_refusals_total{reason="forbidden"} 0` + "\n",
				`slipway_cache_refusals_total{reason="exists"} 1` + "\n",
				`slipway_cache_refusals_total{reason="invalid_hash"} 0` + "\n",
				`slipway_cache_refusals_total{reason="too_large"} 0` + "\n",
				`slipway_cache_refusals_total{reason="bad_body"} 0` + "\n",
				`slipway_cache_refusals_total{reason="method_not_allowed"} 0` + "\n",
				`slipway_cache_errors_total{op="get"} 0` + "\n",
				`slipway_cache_errors_total{op="put"} 1` + "\n",
			},
			notWant: []string{"slipway_cache_entries", "slipway_cache_evictions_total"},
		},
		{
			name:    "file store gauges",
			version: "dev",
			stats: &store.Stats{Entries: 3, Bytes: 4096, TempBytes: 512, EvictedByAge: 1, EvictedBySize: 2, Corrupt: 1,
				HashedReads: 5, TrustedReads: 70, Scrubbed: 9, ScrubPasses: 2, DirSyncs: 11,
				PutPhases: map[string]time.Duration{"receive": 1500 * time.Millisecond, "dir_sync": 2 * time.Microsecond}},
			want: []string{
				"# TYPE slipway_cache_entries gauge\nslipway_cache_entries 3\n",
				"# TYPE slipway_cache_stored_bytes gauge\nslipway_cache_stored_bytes 4096\n",
				"# TYPE slipway_cache_temp_bytes gauge\nslipway_cache_temp_bytes 512\n",
				"slipway_cache_hit_checks_total{check=\"hashed\"} 5\nslipway_cache_hit_checks_total{check=\"trusted\"} 70\n",
				"slipway_cache_scrubbed_total 9\n", "slipway_cache_scrub_passes_total 2\n", "slipway_cache_dir_syncs_total 11\n",
				"slipway_cache_put_phase_seconds_total{phase=\"dir_sync\"} 0.000002\nslipway_cache_put_phase_seconds_total{phase=\"receive\"} 1.500000\n",
				`slipway_cache_evictions_total{reason="age"} 1` + "\n",
				`slipway_cache_evictions_total{reason="size"} 2` + "\n",
				"slipway_cache_corrupt_entries_total 1\n",
			},
		},
		{
			name:    "object store: sizes unknown",
			version: "dev",
			stats:   &store.Stats{Entries: -1, Bytes: -1, TempBytes: -1, Corrupt: 4},
			want:    []string{"slipway_cache_corrupt_entries_total 4\n"},
			notWant: []string{"slipway_cache_entries", "slipway_cache_stored_bytes", "slipway_cache_temp_bytes", "slipway_cache_hit_checks_total"},
		},
		{
			name:    "label value escaped",
			version: "v1 \"quoted\" back\\slash\x01",
			want:    []string{`slipway_cache_build_info{version="v1 \"quoted\" back\\slash"} 1` + "\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := m.WriteText(&b, tt.version, tt.stats); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output has %q", w)
				}
			}
			checkFormat(t, out)
		})
	}
}

// checkFormat checks the text format's shape: every line is a comment
// or "name[{labels}] value", every sample's metric has HELP and TYPE
// before it, and no metric family is declared twice.
func checkFormat(t *testing.T, out string) {
	t.Helper()
	if !strings.HasSuffix(out, "\n") {
		t.Fatal("output does not end with a newline")
	}
	typed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name := strings.Fields(rest)[0]
			if typed[name] {
				t.Errorf("TYPE of %s declared twice", name)
			}
			typed[name] = true
			continue
		}
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		name, _, _ := strings.Cut(line, " ")
		name, _, _ = strings.Cut(name, "{")
		if !typed[name] {
			t.Errorf("sample before its TYPE: %q", line)
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			t.Errorf("malformed sample %q", line)
		}
	}
}
