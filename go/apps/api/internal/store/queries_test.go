package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"slipway/apps/api/internal/ledger"
)

// runBuild is a build of image in CI run runID with outcome, at t0+minute.
func runBuild(image, runID string, outcome ledger.Outcome, minute int) ledger.Build {
	b := build(image, t0.Add(time.Duration(minute)*time.Minute))
	b.CIRunID, b.Outcome = runID, outcome
	return b
}

func TestImages(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		empty, err := s.Images(ctx, ledger.ImageFilter{}, ledger.ImagePageRequest{Limit: 5})
		if err != nil || empty.Images == nil || len(empty.Images) != 0 || empty.Next != nil {
			t.Fatalf("empty store: %v %#v", err, empty)
		}

		const built, reused = ledger.OutcomeBuilt, ledger.OutcomeReused
		mustAdd(t, s, runBuild("r.example/web", "run1", built, 0))
		mustAdd(t, s, runBuild("r.example/api", "run1", built, 1))
		mustAdd(t, s, runBuild("r.example/web", "run2", reused, 10))
		mustAdd(t, s, runBuild("r.example/api", "run2", built, 11))
		mustAdd(t, s, runBuild("r.example/web", "run3", reused, 20))
		mustAdd(t, s, runBuild("r.example/web", "run3", reused, 21)) // a retry in the same run
		webLatest := runBuild("r.example/web", "", built, 30)        // a local build
		webLatest.Project = "web"
		webLatest = mustAdd(t, s, webLatest)
		cache := mustAdd(t, s, runBuild("r.example/cache", "run0", reused, -60))
		// Same timestamp as the api build of run2: the higher id is the later one.
		apiTie := mustAdd(t, s, runBuild("r.example/api", "run2", reused, 11))

		at := func(minute int) *time.Time { v := t0.Add(time.Duration(minute) * time.Minute); return &v }
		tests := []struct {
			name   string
			filter ledger.ImageFilter
			want   []ledger.ImageSummary
		}{
			{name: "all", want: []ledger.ImageSummary{
				{Image: "r.example/web", Project: "web", Builds: 5, Latest: webLatest, LastBuiltAt: at(30), LastReusedAt: at(21), Runs: 3, RunsReused: 2},
				{Image: "r.example/api", Project: "api", Builds: 3, Latest: apiTie, LastBuiltAt: at(11), LastReusedAt: at(11), Runs: 2, RunsReused: 1},
				{Image: "r.example/cache", Project: "api", Builds: 1, Latest: cache, LastReusedAt: at(-60), Runs: 1, RunsReused: 1},
			}},
			{name: "project web", filter: ledger.ImageFilter{Project: "web"}, want: []ledger.ImageSummary{
				{Image: "r.example/web", Project: "web", Builds: 5, Latest: webLatest, LastBuiltAt: at(30), LastReusedAt: at(21), Runs: 3, RunsReused: 2},
			}},
			{name: "project api", filter: ledger.ImageFilter{Project: "api"}, want: []ledger.ImageSummary{
				{Image: "r.example/api", Project: "api", Builds: 3, Latest: apiTie, LastBuiltAt: at(11), LastReusedAt: at(11), Runs: 2, RunsReused: 1},
				{Image: "r.example/cache", Project: "api", Builds: 1, Latest: cache, LastReusedAt: at(-60), Runs: 1, RunsReused: 1},
			}},
			{name: "unknown project", filter: ledger.ImageFilter{Project: "nope"}, want: []ledger.ImageSummary{}},
		}
		for _, tt := range tests {
			// Every page size: the pages, joined, are the whole overview.
			for limit := 1; limit <= 4; limit++ {
				t.Run(fmt.Sprintf("%s limit %d", tt.name, limit), func(t *testing.T) {
					got := allImages(t, s, tt.filter, limit)
					if fmt.Sprintf("%+v", show(got)) != fmt.Sprintf("%+v", show(tt.want)) {
						t.Fatalf("images\n got %+v\nwant %+v", show(got), show(tt.want))
					}
				})
			}
		}
		if checked, err := s.Check(ctx); err != nil {
			t.Fatalf("check after %v: %v", checked, err)
		}
		for _, limit := range []int{0, ledger.MaxImagePageSize + 1} {
			if _, err := s.Images(ctx, ledger.ImageFilter{}, ledger.ImagePageRequest{Limit: limit}); err == nil {
				t.Errorf("limit %d accepted", limit)
			}
		}
	})
}

// allImages pages through the overview limit images at a time, checking
// that every page but the last is full and has a cursor that round-trips.
func allImages(t *testing.T, s *Store, filter ledger.ImageFilter, limit int) []ledger.ImageSummary {
	t.Helper()
	var all []ledger.ImageSummary
	var after *ledger.ImageCursor
	for range 100 {
		page, err := s.Images(context.Background(), filter, ledger.ImagePageRequest{Limit: limit, After: after})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Images...)
		if page.Next == nil {
			if len(page.Images) > limit {
				t.Fatalf("last page of %d, limit %d", len(page.Images), limit)
			}
			return all
		}
		if len(page.Images) != limit {
			t.Fatalf("page of %d before the last, limit %d", len(page.Images), limit)
		}
		c, err := ledger.ParseImageCursor(page.Next.String())
		if err != nil {
			t.Fatal(err)
		}
		after = &c
	}
	t.Fatal("too many pages")
	return nil
}

// show makes image summaries comparable as text (times by value).
func show(images []ledger.ImageSummary) []string {
	out := []string{}
	str := func(t *time.Time) string {
		if t == nil {
			return "nil"
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	for _, im := range images {
		out = append(out, fmt.Sprintf("%s %s builds=%d latest=%d built=%s reused=%s runs=%d/%d",
			im.Image, im.Project, im.Builds, im.Latest.ID, str(im.LastBuiltAt), str(im.LastReusedAt), im.Runs, im.RunsReused))
	}
	return out
}

func TestBuildsPaging(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		const image = "r.example/ns/app"
		var all []ledger.Build
		for i := range 9 {
			// Builds share timestamps to exercise the id tie-break;
			// insertion order is deliberately not time order.
			b := build(image, t0.Add(time.Duration((i*5)%7/2)*time.Second), fmt.Sprintf("b%d", i))
			if i%3 == 0 {
				b.Outcome = ledger.OutcomeReused
			}
			all = append(all, mustAdd(t, s, b))
		}
		mustAdd(t, s, build("r.example/ns/other", t0.Add(time.Hour)))

		newestFirst := slices.Clone(all)
		slices.SortFunc(newestFirst, func(a, b ledger.Build) int {
			if c := b.RecordedAt.Compare(a.RecordedAt); c != 0 {
				return c
			}
			return int(b.ID - a.ID)
		})
		only := func(o ledger.Outcome) []ledger.Build {
			return slices.DeleteFunc(slices.Clone(newestFirst), func(b ledger.Build) bool { return b.Outcome != o })
		}
		for _, filter := range []ledger.BuildFilter{{}, {Outcome: ledger.OutcomeBuilt}, {Outcome: ledger.OutcomeReused}} {
			want := newestFirst
			if filter.Outcome != "" {
				want = only(filter.Outcome)
			}
			for _, limit := range []int{1, 2, 3, 9, 100} {
				t.Run(fmt.Sprintf("outcome=%s/limit=%d", filter.Outcome, limit), func(t *testing.T) {
					var got []int64
					var after *ledger.BuildCursor
					pages := 0
					for {
						page, err := s.Builds(ctx, image, filter, ledger.BuildPageRequest{Limit: limit, After: after})
						if err != nil {
							t.Fatal(err)
						}
						pages++
						if len(page.Builds) > limit {
							t.Fatalf("page of %d > limit", len(page.Builds))
						}
						for _, b := range page.Builds {
							got = append(got, b.ID)
						}
						if page.Next == nil {
							break
						}
						// Round-trip the cursor through its opaque form.
						c, err := ledger.ParseBuildCursor(page.Next.String())
						if err != nil {
							t.Fatal(err)
						}
						after = &c
						if pages > 20 {
							t.Fatal("too many pages")
						}
					}
					if wantPages := max(1, (len(want)+limit-1)/limit); pages != wantPages {
						t.Errorf("pages = %d, want %d", pages, wantPages)
					}
					var wantIDs []int64
					for _, b := range want {
						wantIDs = append(wantIDs, b.ID)
					}
					if !slices.Equal(got, wantIDs) {
						t.Fatalf("ids %v, want %v", got, wantIDs)
					}
				})
			}
		}
	})
}

func TestBuildsErrors(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		b := mustAdd(t, s, build("r.example/a", t0))
		all := ledger.BuildFilter{}

		if _, err := s.Builds(ctx, "r.example/missing", all, ledger.BuildPageRequest{Limit: 10}); !notFound(err, ledger.NotFoundImage, "r.example/missing") {
			t.Fatalf("unknown image: %v", err)
		}
		// Past the end of a known image, or nothing with the outcome: an
		// empty page, not 404.
		c := ledger.BuildCursorAt(b)
		page, err := s.Builds(ctx, "r.example/a", all, ledger.BuildPageRequest{Limit: 10, After: &c})
		if err != nil || len(page.Builds) != 0 || page.Next != nil {
			t.Fatalf("past the end: %v %+v", err, page)
		}
		page, err = s.Builds(ctx, "r.example/a", ledger.BuildFilter{Outcome: ledger.OutcomeReused}, ledger.BuildPageRequest{Limit: 10})
		if err != nil || len(page.Builds) != 0 {
			t.Fatalf("no reused builds: %v %+v", err, page)
		}
		for _, limit := range []int{0, -1, ledger.MaxBuildPageSize + 1} {
			if _, err := s.Builds(ctx, "r.example/a", all, ledger.BuildPageRequest{Limit: limit}); err == nil {
				t.Errorf("limit %d accepted", limit)
			}
		}
	})
}

func TestSizes(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		const image = "r.example/ns/app"
		for i := range 6 {
			b := build(image, t0.Add(time.Duration(i)*time.Minute))
			b.SizeBytes = int64(1000 + i)
			b.GitSHA = fmt.Sprintf("abcdef%d", i)
			if i%2 == 1 {
				b.BudgetBytes = ptr(int64(5000))
				b.Outcome = ledger.OutcomeReused
			}
			mustAdd(t, s, b)
		}
		mustAdd(t, s, build("r.example/ns/other", t0.Add(time.Hour)))

		tests := []struct {
			limit int
			sizes []int64
		}{
			{limit: 1, sizes: []int64{1005}},
			{limit: 3, sizes: []int64{1003, 1004, 1005}},
			{limit: 1000, sizes: []int64{1000, 1001, 1002, 1003, 1004, 1005}},
		}
		for _, tt := range tests {
			points, err := s.Sizes(ctx, image, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var sizes []int64
			for i, p := range points {
				sizes = append(sizes, p.SizeBytes)
				n := p.SizeBytes - 1000
				odd := n%2 == 1
				if (p.BudgetBytes != nil) != odd || (p.Outcome == ledger.OutcomeReused) != odd ||
					p.GitSHA != fmt.Sprintf("abcdef%d", n) || !p.RecordedAt.Equal(t0.Add(time.Duration(n)*time.Minute)) {
					t.Errorf("limit %d: point %d = %+v", tt.limit, i, p)
				}
			}
			if !slices.Equal(sizes, tt.sizes) {
				t.Errorf("limit %d: sizes %v, want %v (oldest first)", tt.limit, sizes, tt.sizes)
			}
		}
		if _, err := s.Sizes(ctx, "r.example/none", 10); !notFound(err, ledger.NotFoundImage, "r.example/none") {
			t.Fatalf("unknown image: %v", err)
		}
		for _, limit := range []int{0, ledger.MaxSizePoints + 1} {
			if _, err := s.Sizes(ctx, image, limit); err == nil {
				t.Errorf("limit %d accepted", limit)
			}
		}
	})
}

func TestRuns(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		page, err := s.Runs(ctx, ledger.RunPageRequest{Limit: 5})
		if err != nil || page.Runs == nil || len(page.Runs) != 0 || page.Next != nil {
			t.Fatalf("no runs: %v %+v", err, page)
		}
		// Five runs; runB and runC start at the same time (tie on the id).
		add := func(image, project, runID string, outcome ledger.Outcome, minute int, duration int64, sha string) {
			b := runBuild(image, runID, outcome, minute)
			b.Project, b.DurationMs, b.GitSHA = project, duration, sha
			mustAdd(t, s, b)
		}
		add("r.example/web", "web", "runa", ledger.OutcomeBuilt, 0, 100, "aaaaaa1")
		add("r.example/api", "api", "runa", ledger.OutcomeBuilt, 2, 200, "aaaaaa1")
		add("r.example/web", "web", "runb", ledger.OutcomeReused, 10, 5, "bbbbbb1")
		add("r.example/web", "web", "runc", ledger.OutcomeReused, 10, 6, "cccccc1")
		add("r.example/api", "api", "runb", ledger.OutcomeBuilt, 13, 300, "bbbbbb2")
		add("r.example/cache", "cache", "runb", ledger.OutcomeReused, 12, 7, "bbbbbb3")
		add("r.example/web", "web", "rund", ledger.OutcomeBuilt, 20, 50, "dddddd1")
		add("r.example/web", "web", "", ledger.OutcomeBuilt, 25, 50, "eeeeee1") // local: in no run
		add("r.example/web", "web", "rune", ledger.OutcomeReused, 30, 1, "eeeeee2")

		runB := ledger.RunSummary{CIRunID: "runb", GitSHA: "bbbbbb2", StartedAt: t0.Add(10 * time.Minute),
			FinishedAt: t0.Add(13 * time.Minute), Images: 3, Built: 1, Reused: 2, DurationMs: 312}
		// Every limit, so that the runb/runc tie falls inside a page and
		// across a page boundary (limits 1 and 3).
		var all []ledger.RunSummary
		for _, tt := range []struct{ limit, pages int }{{1, 5}, {2, 3}, {3, 2}, {5, 1}, {100, 1}} {
			var got []ledger.RunSummary
			var after *ledger.RunCursor
			for pages := 1; ; pages++ {
				page, err := s.Runs(ctx, ledger.RunPageRequest{Limit: tt.limit, After: after})
				if err != nil {
					t.Fatal(err)
				}
				if len(page.Runs) > tt.limit || pages > tt.pages {
					t.Fatalf("limit %d, page %d: %+v", tt.limit, pages, page)
				}
				got = append(got, page.Runs...)
				if page.Next == nil {
					if pages != tt.pages {
						t.Fatalf("limit %d: %d pages, want %d", tt.limit, pages, tt.pages)
					}
					break
				}
				c, err := ledger.ParseRunCursor(page.Next.String())
				if err != nil {
					t.Fatal(err)
				}
				after = &c
			}
			var ids []string
			for _, r := range got {
				ids = append(ids, r.CIRunID)
			}
			if want := []string{"rune", "rund", "runc", "runb", "runa"}; !slices.Equal(ids, want) {
				t.Fatalf("limit %d: runs %v, want %v", tt.limit, ids, want)
			}
			all = got
		}
		if got := all[3]; fmt.Sprint(got) != fmt.Sprint(runB) {
			t.Fatalf("runb\n got %+v\nwant %+v", got, runB)
		}

		run, err := s.Run(ctx, "runb")
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(run.RunSummary) != fmt.Sprint(runB) {
			t.Fatalf("run summary %+v", run.RunSummary)
		}
		var order []string
		for _, b := range run.Builds {
			order = append(order, b.Project+" "+b.Image)
		}
		if want := []string{"api r.example/api", "cache r.example/cache", "web r.example/web"}; !slices.Equal(order, want) {
			t.Fatalf("run builds %v, want %v", order, want)
		}
		for _, id := range []string{"nope", ""} {
			if _, err := s.Run(ctx, id); !notFound(err, ledger.NotFoundRun, id) {
				t.Errorf("run %q: %v", id, err)
			}
		}
		for _, limit := range []int{0, ledger.MaxRunPageSize + 1} {
			if _, err := s.Runs(ctx, ledger.RunPageRequest{Limit: limit}); err == nil {
				t.Errorf("limit %d accepted", limit)
			}
		}
	})
}

func TestRunIsOneSnapshot(t *testing.T) {
	// A run read while its other jobs keep recording builds: the summary
	// and the builds must come from the same moment. Read in two steps,
	// the summary often counts fewer builds than the list holds.
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		mustAdd(t, s, runBuild("r.example/a", "live", ledger.OutcomeBuilt, 0))
		done := make(chan error, 1)
		go func() {
			defer close(done)
			for i := range 150 {
				if _, err := s.AddBuild(ctx, runBuild(fmt.Sprintf("r.example/img%d", i), "live", ledger.OutcomeReused, i)); err != nil {
					done <- err
					return
				}
			}
		}()
		reads := 0
		for writing := true; writing; reads++ {
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
				writing = false
			default:
			}
			run, err := s.Run(ctx, "live")
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(run.Builds)) != run.Images || run.Built+run.Reused != run.Images {
				t.Fatalf("read %d: summary counts %d images (%d built, %d reused), but %d builds are listed",
					reads, run.Images, run.Built, run.Reused, len(run.Builds))
			}
		}
		if run, err := s.Run(ctx, "live"); err != nil || run.Images != 151 {
			t.Fatalf("final run: %v, %d images", err, run.Images)
		}
	})
}

// TestRunSumsSurviveHugeDurations: rows stored before durationMs was bounded
// may hold up to 2^63-1; the run sums must still answer (each build counts
// at most ledger.MaxDurationMs) instead of failing on an overflow.
func TestRunSumsSurviveHugeDurations(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for i, d := range []int64{math.MaxInt64, math.MaxInt64, 5} {
			b := runBuild("r.example/web", "huge", ledger.OutcomeBuilt, i)
			b.DurationMs = d
			mustAdd(t, s, b)
		}
		page, err := s.Runs(ctx, ledger.RunPageRequest{Limit: 10})
		if err != nil {
			t.Fatalf("runs: %v", err)
		}
		want := int64(2*ledger.MaxDurationMs + 5)
		if len(page.Runs) != 1 || page.Runs[0].DurationMs != want {
			t.Fatalf("runs %+v, want one run of %d ms", page.Runs, want)
		}
		run, err := s.Run(ctx, "huge")
		if err != nil || run.DurationMs != want {
			t.Fatalf("run: %v %+v", err, run.RunSummary)
		}
	})
}

// notFound reports whether err is a ledger.NotFoundError naming kind and
// name, as the API's 404 repeats them.
func notFound(err error, kind, name string) bool {
	var nf *ledger.NotFoundError
	return errors.As(err, &nf) && errors.Is(err, ledger.ErrNotFound) && nf.Kind == kind && nf.Name == name
}
