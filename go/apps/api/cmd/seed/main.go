// Command seed fills an empty ledger with a made-up but realistic build
// history (see package seed), so that a fresh development setup shows a
// populated dashboard. It writes where the API reads: PostgreSQL when
// DATABASE_URL is set, otherwise the SQLite database in API_DATA_DIR. It
// refuses a ledger that already holds builds.
//
//	seed [-seed N] [-weeks N] [-end 2025-06-01T00:00:00Z]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"slipway/apps/api/internal/config"
	"slipway/apps/api/internal/seed"
	"slipway/apps/api/internal/store"
	"slipway/libs/service"
)

func main() { service.Main(run) }

// errAlreadySeeded is wrapped by run's error when the ledger is not empty.
var errAlreadySeeded = errors.New("the ledger is not empty")

// run seeds the ledger named by getenv's DATABASE_URL or API_DATA_DIR and
// reports progress on stdout.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stdout)
	seedN := fs.Uint64("seed", 1, "selects the history: the same seed and -end give the same builds")
	weeks := fs.Int("weeks", 6, "weeks of history, 1 to 104")
	end := fs.String("end", "", "when the history ends, RFC 3339 (default: the current hour)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s [flags]\n\nFills an empty build ledger with a realistic history. Writes to PostgreSQL\n"+
			"when %s is set, otherwise to the SQLite database in %s (default %q).\n\nFlags:\n",
			fs.Name(), config.EnvDatabaseURL, config.EnvDataDir, config.DefaultDataDir)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if *weeks < 1 || *weeks > 104 {
		return fmt.Errorf("-weeks %d: must be from 1 to 104", *weeks)
	}
	until := time.Now().UTC().Truncate(time.Hour)
	if *end != "" {
		t, err := time.Parse(time.RFC3339, *end)
		if err != nil {
			return fmt.Errorf("-end %q: must be an RFC 3339 time such as 2025-06-01T00:00:00Z", *end)
		}
		until = t.UTC()
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}

	started := time.Now()
	builds := seed.History(seed.Options{Seed: *seedN, End: until, Weeks: *weeks})
	runs, local, built := map[string]bool{}, 0, 0
	for _, b := range builds {
		if b.CIRunID == "" {
			local++
		} else {
			runs[b.CIRunID] = true
		}
		if b.Outcome == "built" {
			built++
		}
	}
	fmt.Fprintf(stdout, "seed: %d builds over %d weeks to %s: %d CI runs, %d rebuilt, %d reused, %d local builds\n",
		len(builds), *weeks, until.Format(time.RFC3339), len(runs), built, len(builds)-built, local)

	st, err := store.Open(ctx, store.Config{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir}, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "seed: writing to %s\n", cfg.Storage())
	existing, err := st.AddBuildsIfEmpty(ctx, builds)
	if err != nil {
		return err
	}
	if existing > 0 {
		return fmt.Errorf("not seeding, %w: %s already holds %d builds, and seed fills only an empty ledger. "+
			"To start over, delete the SQLite database %s or point %s at an empty database",
			errAlreadySeeded, cfg.Storage(), existing, filepath.Join(cfg.DataDir, store.FileName), config.EnvDatabaseURL)
	}
	fmt.Fprintf(stdout, "seed: done in %s; start the app with npm run dev and open http://127.0.0.1:4200\n",
		time.Since(started).Round(time.Millisecond))
	return nil
}
