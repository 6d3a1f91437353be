package store

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"slipway/apps/api/internal/ledger"
)

func release(project, version, digestByte string, at time.Time) ledger.Release {
	return ledger.Release{NewRelease: ledger.NewRelease{Project: project, Image: "r.example/" + project,
		Digest: "sha256:" + strings.Repeat(digestByte, 64), Version: version, Tags: []string{version},
		GitSHA: "abc1234", CIRunID: "run-9"}, RecordedAt: at}
}

// TestAddRelease: a new version is stored (created); the same release again
// (a re-run with another run id too) returns the stored one and stores
// nothing; another digest or image for the same project and version is a
// conflict naming what differs. Another project may use the same version.
func TestAddRelease(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		first := release("api", "2612.02.abc1234", "a", t0.Add(123456*time.Microsecond))
		tests := []struct {
			name     string
			r        ledger.Release
			created  bool
			conflict []string
		}{
			{"a new release", first, true, nil},
			{"the same release, later", func() ledger.Release { r := first; r.RecordedAt = t0.Add(time.Hour); return r }(), false, nil},
			{"another digest", release("api", "2612.02.abc1234", "b", t0.Add(time.Hour)), false, []string{"digest"}},
			{"a re-run of the job", func() ledger.Release { r := first; r.CIRunID = "run-9-2"; return r }(), false, nil},
			{"another image", func() ledger.Release { r := first; r.Image = "r.example/other"; return r }(), false, []string{"image"}},
			{"the same version of another project", release("web", "2612.02.abc1234", "b", t0.Add(time.Minute)), true, nil},
			{"a later version of the same digest", release("api", "2612.03.def5678", "a", t0.Add(2*time.Minute)), true, nil},
		}
		for _, tt := range tests {
			got, created, err := s.AddRelease(ctx, tt.r)
			if tt.conflict != nil {
				var ce *ledger.ReleaseConflictError
				if !errors.As(err, &ce) || len(ce.Fields) != len(tt.conflict) || ce.Fields[tt.conflict[0]] == "" {
					t.Fatalf("%s: %v, want a conflict of %v", tt.name, err, tt.conflict)
				}
				continue
			}
			if err != nil || created != tt.created {
				t.Fatalf("%s: created %t, %v; want created %t", tt.name, created, err, tt.created)
			}
			if got.ID == 0 || got.Digest != tt.r.Digest || got.Project != tt.r.Project {
				t.Fatalf("%s: %+v", tt.name, got)
			}
			if !created && (got.ID != 1 || !got.RecordedAt.Equal(first.RecordedAt.Truncate(time.Millisecond))) {
				t.Fatalf("%s: %+v, want the first record", tt.name, got)
			}
		}

		all, err := s.Releases(ctx, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		var versions []string
		for _, r := range all {
			versions = append(versions, r.Project+"@"+r.Version)
		}
		if want := "api@2612.03.def5678 web@2612.02.abc1234 api@2612.02.abc1234"; strings.Join(versions, " ") != want {
			t.Fatalf("releases %v, want %s", versions, want)
		}
		if r := all[2]; r.CIRunID != "run-9" || len(r.Tags) != 1 || r.Tags[0] != r.Version || !r.RecordedAt.Equal(t0.Add(123*time.Millisecond)) {
			t.Fatalf("read back %+v", r)
		}
		api, err := s.Releases(ctx, "api", 1)
		if err != nil || len(api) != 1 || api[0].Version != "2612.03.def5678" {
			t.Fatalf("api's latest: %+v, %v", api, err)
		}
		none, err := s.Releases(ctx, "docs", 10)
		if err != nil || none == nil || len(none) != 0 {
			t.Fatalf("docs: %#v, %v; want an empty list", none, err)
		}
		if _, err := s.Releases(ctx, "", ledger.MaxReleaseListSize+1); err == nil {
			t.Fatal("a limit over the maximum was accepted")
		}
	})
}

// TestAddReleaseRace: requests racing with one release store it once, and
// every one answers with that record.
func TestAddReleaseRace(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		r := release("api", "1.0.0", "c", t0)
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			created int
			ids     = map[int64]bool{}
		)
		for range 8 {
			wg.Go(func() {
				got, c, err := s.AddRelease(context.Background(), r)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				ids[got.ID] = true
				if c {
					created++
				}
			})
		}
		wg.Wait()
		if created != 1 || len(ids) != 1 {
			t.Fatalf("created %d times, ids %v; want once", created, ids)
		}
	})
}
