package metrics

import (
	"strings"
	"testing"
)

// FuzzBuildInfoLabel: whatever the version string, the build info line
// stays one line of the text format with a quoted, printable label.
func FuzzBuildInfoLabel(f *testing.F) {
	for _, s := range []string{"dev", "1.2.3", `a"b\c`, "line\nbreak", "\x00\x7f", "ünï", "}\n# TYPE x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, version string) {
		var b strings.Builder
		if err := (&Metrics{}).WriteText(&b, version, nil); err != nil {
			t.Fatal(err)
		}
		var line string
		for _, l := range strings.Split(b.String(), "\n") {
			if strings.HasPrefix(l, "slipway_cache_build_info{") {
				line = l
			}
		}
		if !strings.HasPrefix(line, `slipway_cache_build_info{version="`) || !strings.HasSuffix(line, `"} 1`) {
			t.Fatalf("build info line %q for %q", line, version)
		}
		for _, c := range []byte(line) {
			if c < 0x20 || c > 0x7e {
				t.Fatalf("byte %#x in %q", c, line)
			}
		}
		if n := strings.Count(b.String(), "slipway_cache_build_info{"); n != 1 {
			t.Fatalf("%d build info lines for %q", n, version)
		}
	})
}
