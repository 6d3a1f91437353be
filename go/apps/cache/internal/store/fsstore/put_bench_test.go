package fsstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkPut stores entries from 8 concurrent writers, as the
// cache-server benchmark's PUT phases do (64 KiB and 8 MiB entries), into
// a directory under $TMPDIR, and reports the time each phase of a Put
// took per entry (summed over the writers, so the phases of concurrent
// Puts overlap) and the directory fsyncs per entry:
//
//	go test -run '^$' -bench Put -benchtime 400x ./apps/cache/internal/store/fsstore
func BenchmarkPut(b *testing.B) {
	const writers = 8
	for _, size := range []int{64 << 10, 8 << 20} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			s, err := Open(Options{Dir: filepath.Join(b.TempDir(), "cache")})
			if err != nil {
				b.Fatal(err)
			}
			payload := make([]byte, size)
			_, _ = rand.Read(payload)
			b.SetBytes(int64(size))
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := next.Add(1) - 1; i < int64(b.N); i = next.Add(1) - 1 {
						// Entries differ from their first bytes, as Nx's do.
						p := bytes.Clone(payload[:min(len(payload), 64)])
						copy(p, fmt.Sprint(i))
						body := io.MultiReader(bytes.NewReader(p), bytes.NewReader(payload[len(p):]))
						if err := s.Put(context.Background(), fmt.Sprint(1e6+i), int64(size), body); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			st := s.Stats()
			for _, name := range PhaseNames {
				b.ReportMetric(float64(st.PutPhases[name])/float64(b.N)/float64(time.Microsecond), name+"-µs/op")
			}
			b.ReportMetric(float64(st.DirSyncs)/float64(b.N), "dirsyncs/op")
		})
	}
}
