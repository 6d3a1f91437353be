package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"slipway/apps/api/internal/ledger"
	"slipway/apps/api/internal/store"
	"slipway/apps/api/internal/store/storetest"
)

func TestSeedFillsAnEmptyLedgerOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.Database) {
		env := map[string]string{"API_DATA_DIR": db.DataDir, "DATABASE_URL": db.DatabaseURL}
		seed := func(args ...string) (string, error) {
			var out bytes.Buffer
			err := run(context.Background(), append([]string{"seed"}, args...), func(k string) string { return env[k] }, &out)
			return out.String(), err
		}
		out, err := seed("-seed", "3", "-weeks", "2", "-end", "2025-06-02T00:00:00Z")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if !strings.Contains(out, "writing to "+db.Name) || !strings.Contains(out, "done in") {
			t.Fatalf("output:\n%s", out)
		}

		st, err := store.Open(context.Background(), store.Config{DatabaseURL: db.DatabaseURL, DataDir: db.DataDir}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		page, err := st.Images(context.Background(), ledger.ImageFilter{}, ledger.ImagePageRequest{Limit: 10})
		images := page.Images
		if err != nil || len(images) != 4 {
			t.Fatalf("images %d (%v)", len(images), err)
		}
		if checked, err := st.Check(context.Background()); err != nil {
			t.Fatalf("check (%v): %v", checked, err)
		}
		var total int64
		for _, im := range images {
			total += im.Builds
			if im.Runs == 0 || im.LastBuiltAt == nil {
				t.Errorf("%s: %+v", im.Image, im)
			}
		}
		runs, err := st.Runs(context.Background(), ledger.RunPageRequest{Limit: 5})
		if err != nil || len(runs.Runs) != 5 || runs.Next == nil {
			t.Fatalf("runs %+v (%v)", runs, err)
		}

		// A second seed refuses and changes nothing.
		out, err = seed("-seed", "4")
		if !errors.Is(err, errAlreadySeeded) || !strings.Contains(err.Error(), "already holds") {
			t.Fatalf("second seed: %v\n%s", err, out)
		}
		again, _ := st.Images(context.Background(), ledger.ImageFilter{}, ledger.ImagePageRequest{Limit: 10})
		var after int64
		for _, im := range again.Images {
			after += im.Builds
		}
		if after != total {
			t.Fatalf("builds %d after the refused seed, %d before", after, total)
		}
	})
}

func TestSeedArguments(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"seed", "-weeks", "0"}, "-weeks 0"},
		{[]string{"seed", "-end", "yesterday"}, "RFC 3339"},
		{[]string{"seed", "extra"}, "unexpected arguments"},
		{[]string{"seed", "-nope"}, "flag provided but not defined"},
	} {
		err := run(context.Background(), tt.args, func(string) string { return "" }, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want %q", tt.args, err, tt.want)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"seed", "-h"}, func(string) string { return "" }, &out); err != nil ||
		!strings.Contains(out.String(), "DATABASE_URL") {
		t.Fatalf("-h: %v\n%s", err, out.String())
	}
}
