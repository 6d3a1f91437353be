package seed

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"slipway/apps/api/internal/ledger"
)

var end = time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)

func TestHistoryIsDeterministic(t *testing.T) {
	a := History(Options{Seed: 7, End: end, Weeks: 4})
	b := History(Options{Seed: 7, End: end, Weeks: 4})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed and end gave different histories")
	}
	if c := History(Options{Seed: 8, End: end, Weeks: 4}); reflect.DeepEqual(a, c) {
		t.Fatal("another seed gave the same history")
	}
}

func TestHistoryLooksReal(t *testing.T) {
	for _, weeks := range []int{1, 6} {
		t.Run(fmt.Sprintf("weeks=%d", weeks), func(t *testing.T) {
			builds := History(Options{Seed: 1, End: end, Weeks: weeks})
			start := end.AddDate(0, 0, -7*weeks)
			type stats struct{ built, reused, local, overBudget int }
			per := map[string]*stats{}
			runs := map[string]map[string]bool{}
			var prev time.Time
			for i, b := range builds {
				if err := b.Validate(); err != nil {
					t.Fatalf("build %d is not valid: %v", i, err)
				}
				if b.RecordedAt.Before(prev) || b.RecordedAt.Before(start) || !b.RecordedAt.Before(end) {
					t.Fatalf("build %d at %s: out of order or outside %s..%s", i, b.RecordedAt, start, end)
				}
				prev = b.RecordedAt
				s := per[b.Image]
				if s == nil {
					s = &stats{}
					per[b.Image] = s
				}
				switch {
				case b.CIRunID == "":
					s.local++
				case b.Outcome == ledger.OutcomeBuilt:
					s.built++
				default:
					s.reused++
				}
				if b.BudgetBytes != nil && b.SizeBytes > *b.BudgetBytes {
					s.overBudget++
				}
				if b.CIRunID != "" {
					if runs[b.CIRunID] == nil {
						runs[b.CIRunID] = map[string]bool{}
					}
					if runs[b.CIRunID][b.Image] {
						t.Fatalf("run %s records %s twice", b.CIRunID, b.Image)
					}
					runs[b.CIRunID][b.Image] = true
				}
			}
			if len(per) != len(images) {
				t.Fatalf("%d images, want %d", len(per), len(images))
			}
			if len(runs) < 5*weeks {
				t.Fatalf("only %d runs in %d weeks", len(runs), weeks)
			}
			reused, built := 0, 0
			for image, s := range per {
				reused, built = reused+s.reused, built+s.built
				if s.built == 0 && weeks > 1 { // one week may be too short for a rarely changed image
					t.Errorf("%s never built", image)
				}
			}
			if reused < 2*built {
				t.Errorf("%d reused, %d built: CI should mostly reuse", reused, built)
			}
			local := 0
			for _, s := range per {
				local += s.local
			}
			if local == 0 {
				t.Error("no local builds")
			}
			if weeks == 6 {
				web := per[Registry+"/slipway-web"]
				if web.overBudget == 0 {
					t.Error("web never breaks its budget")
				}
				if last := lastOf(builds, Registry+"/slipway-web"); *last.BudgetBytes != 5_000_000 || last.SizeBytes > 5_000_000 {
					t.Errorf("web ends at %d bytes, budget %d", last.SizeBytes, *last.BudgetBytes)
				}
				if last := lastOf(builds, Registry+"/slipway-docs"); last.BudgetBytes != nil {
					t.Error("docs has a budget")
				}
			}
		})
	}
}

func lastOf(builds []ledger.Build, image string) ledger.Build {
	var last ledger.Build
	for _, b := range builds {
		if b.Image == image {
			last = b
		}
	}
	return last
}
