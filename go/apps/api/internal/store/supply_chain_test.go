package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"slipway/apps/api/internal/ledger"
)

// TestSupplyChainRoundTrip: a build's SBOM digest, package count and
// signature come back from every read that returns builds, the image
// overview's latest build included; a build without them reads as not
// reported, not as unsigned with no packages.
func TestSupplyChainRoundTrip(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sbom := "sha256:" + strings.Repeat("cd", 32)
		bare := build("r.example/web", t0)
		bare.CIRunID = "run-1"
		mustAdd(t, s, bare)
		unsigned := build("r.example/web", t0.Add(time.Minute))
		unsigned.CIRunID = "run-1"
		unsigned.SBOMDigest, unsigned.SBOMPackages, unsigned.Signed = &sbom, ptr(int64(0)), ptr(false)
		mustAdd(t, s, unsigned)
		signed := build("r.example/web", t0.Add(2*time.Minute))
		signed.CIRunID = "run-1"
		signed.SBOMDigest, signed.SBOMPackages, signed.Signed = &sbom, ptr(int64(87)), ptr(true)
		mustAdd(t, s, signed)

		show := func(b ledger.Build) string {
			out := "-"
			if b.SBOMDigest != nil {
				out = *b.SBOMDigest
			}
			if b.SBOMPackages != nil {
				out += fmt.Sprintf(" packages=%d", *b.SBOMPackages)
			} else {
				out += " packages=-"
			}
			if b.Signed != nil {
				return out + fmt.Sprintf(" signed=%t", *b.Signed)
			}
			return out + " signed=-"
		}
		want := []string{sbom + " packages=87 signed=true", sbom + " packages=0 signed=false", "- packages=- signed=-"}

		page, err := s.Builds(ctx, "r.example/web", ledger.BuildFilter{}, ledger.BuildPageRequest{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range page.Builds {
			if got := show(b); got != want[i] {
				t.Errorf("builds[%d]: %s, want %s", i, got, want[i])
			}
		}
		images := allImages(t, s, ledger.ImageFilter{}, 10)
		if len(images) != 1 || show(images[0].Latest) != want[0] {
			t.Errorf("overview's latest build: %+v, want %s", images, want[0])
		}
		run, err := s.Run(ctx, "run-1")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, b := range run.Builds {
			got[show(b)] = true
		}
		for _, w := range want {
			if !got[w] {
				t.Errorf("run's builds lack %s: %v", w, got)
			}
		}
		if n := count(t, s, `SELECT COUNT(*) FROM builds WHERE sbom_digest IS NULL AND sbom_packages IS NULL AND signed IS NULL`); n != 1 {
			t.Errorf("%d builds with the three columns NULL, want 1 (the one that reported nothing)", n)
		}
	})
}
