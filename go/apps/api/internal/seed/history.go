// Package seed makes up a realistic build history for the ledger, so that a
// fresh development database shows a populated dashboard: weeks of CI runs
// in which most images are reused and some are rebuilt, image sizes that
// drift (and once break a budget), and local builds without a CI run. The
// history depends only on the seed and the end time.
package seed

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"slipway/apps/api/internal/ledger"
)

// image is one image of the made-up monorepo and how it behaves.
type image struct {
	project string
	name    string
	// size is the starting size in bytes; drift is the largest relative
	// change of a rebuild.
	size  int64
	drift float64
	// budget is the size budget in bytes, 0 for none.
	budget int64
	// rebuild is the chance that a CI run rebuilds the image.
	rebuild float64
	// buildMs is the typical duration of a build.
	buildMs int64
}

// Registry is the registry namespace of the seeded images.
const Registry = "registry.example/slipway"

// images are the seeded images; the budgets are those of nx.json
// (web 5 MB, api 20 MB, the others 20 MB by default; docs has none).
var images = []image{
	{project: "web", name: "slipway-web", size: 4_200_000, drift: 0.03, budget: 5_000_000, rebuild: 0.35, buildMs: 48_000},
	{project: "api", name: "slipway-api", size: 16_800_000, drift: 0.02, budget: 20_000_000, rebuild: 0.3, buildMs: 71_000},
	{project: "cache", name: "slipway-cache", size: 14_100_000, drift: 0.015, budget: 20_000_000, rebuild: 0.12, buildMs: 64_000},
	{project: "docs", name: "slipway-docs", size: 9_300_000, drift: 0.04, rebuild: 0.15, buildMs: 35_000},
}

// Options shape the history.
type Options struct {
	// Seed selects the history; the same seed and End give the same one.
	Seed uint64
	// End is when the history stops (the newest build is shortly before).
	End time.Time
	// Weeks is how many weeks of history to make up.
	Weeks int
}

// state is an image's current build: what a reuse records again.
type state struct {
	size   int64
	digest string
	nxHash string
}

// History returns the builds of the made-up history, oldest first, with
// RecordedAt set and no ID.
func History(o Options) []ledger.Build {
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	hex := func(n int) string {
		const digits = "0123456789abcdef"
		b := make([]byte, n)
		for i := range b {
			b[i] = digits[rng.IntN(16)]
		}
		return string(b)
	}
	current := make([]state, len(images))
	for i, im := range images {
		current[i] = state{size: im.size, digest: "sha256:" + hex(64), nxHash: fmt.Sprint(rng.Uint64())}
	}
	// rebuild gives image i a new digest and a size that wanders around a
	// slowly growing trend (+8% over the history). In the middle of the
	// history web grows past its budget for a few days, until a fix brings
	// it back: the chart shows the breach.
	start := o.End.AddDate(0, 0, -7*o.Weeks)
	spike := start.Add(o.End.Sub(start) / 2)
	rebuild := func(i int, at time.Time) {
		im := images[i]
		progress := float64(at.Sub(start)) / float64(o.End.Sub(start))
		trend := float64(im.size) * (1 + 0.08*progress)
		s := float64(current[i].size)
		s += (trend-s)*0.3 + s*im.drift*(rng.Float64()*2-1)
		if im.project == "web" && at.After(spike) && at.Before(spike.Add(4*24*time.Hour)) {
			s = float64(im.budget) * (1.01 + 0.03*rng.Float64())
		}
		current[i] = state{size: int64(s), digest: "sha256:" + hex(64), nxHash: fmt.Sprint(rng.Uint64())}
	}

	var out []ledger.Build
	runID := int64(11_873_400_000) + int64(rng.IntN(1_000_000))
	for day := start; day.Before(o.End); day = day.Add(24 * time.Hour) {
		runs := 2 + rng.IntN(5) // a busy weekday
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			runs = rng.IntN(2)
		}
		at := day.Add(time.Duration(7+rng.IntN(3)) * time.Hour)
		for range runs {
			at = at.Add(time.Duration(20+rng.IntN(150)) * time.Minute)
			if !at.Before(o.End) {
				break
			}
			runID += int64(1 + rng.IntN(40))
			sha := hex(40)
			t := at
			for i, im := range images {
				b := newBuild(im, current[i], sha, ledger.OutcomeReused, 400+int64(rng.IntN(1800)))
				if rng.Float64() < im.rebuild {
					rebuild(i, t)
					b = newBuild(im, current[i], sha, ledger.OutcomeBuilt, im.buildMs*int64(80+rng.IntN(60))/100)
					b.Tags = append(b.Tags, "main")
				}
				b.CIRunID = fmt.Sprint(runID)
				t = t.Add(time.Duration(b.DurationMs)*time.Millisecond + time.Duration(1+rng.IntN(4))*time.Second)
				b.RecordedAt = t
				out = append(out, b)
			}
			// Now and then a developer builds an image locally: no run id,
			// often on an arm64 laptop.
			if rng.IntN(6) == 0 {
				i := rng.IntN(len(images))
				local := newBuild(images[i], current[i], hex(40), ledger.OutcomeBuilt, images[i].buildMs*int64(90+rng.IntN(80))/100)
				local.Digest, local.Tags = "sha256:"+hex(64), []string{"dev"}
				if rng.IntN(2) == 0 {
					local.Platform = "linux/arm64"
				}
				local.RecordedAt = t.Add(time.Duration(5+rng.IntN(90)) * time.Minute)
				if local.RecordedAt.Before(o.End) {
					out = append(out, local)
				}
			}
		}
	}
	// Local builds were appended after their run; order everything by time
	// so that ids grow with recordedAt.
	slices.SortStableFunc(out, func(a, b ledger.Build) int { return a.RecordedAt.Compare(b.RecordedAt) })
	return out
}

// newBuild is a build of im in its state st for commit sha.
func newBuild(im image, st state, sha string, outcome ledger.Outcome, durationMs int64) ledger.Build {
	b := ledger.Build{NewBuild: ledger.NewBuild{
		Project:    im.project,
		Image:      Registry + "/" + im.name,
		Digest:     st.digest,
		Tags:       []string{sha[:7]},
		SizeBytes:  st.size,
		Platform:   "linux/amd64",
		GitSHA:     sha,
		NxHash:     st.nxHash,
		Outcome:    outcome,
		DurationMs: durationMs,
	}}
	if im.budget > 0 {
		budget := im.budget
		b.BudgetBytes = &budget
	}
	return b
}
