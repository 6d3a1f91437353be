package server

// The one place where the API contract's generated types (package apitypes,
// generated from libs/api-contract/openapi.yaml) meet the ledger's domain
// types. Handlers decode requests into apitypes, convert to ledger types,
// and convert results back to apitypes before encoding them.

import (
	"slipway/apps/api/internal/apitypes"
	"slipway/apps/api/internal/ledger"
)

// newBuildFromAPI converts a decoded request body to the domain build, which
// the caller then validates (ledger validation gives field-level messages).
// An absent ciRunId and an empty one are the same to the ledger.
func newBuildFromAPI(in apitypes.NewBuild) ledger.NewBuild {
	var ciRunID string
	if in.CiRunId != nil {
		ciRunID = *in.CiRunId
	}
	return ledger.NewBuild{
		Project:      in.Project,
		Image:        in.Image,
		Digest:       in.Digest,
		Tags:         in.Tags,
		SizeBytes:    in.SizeBytes,
		BudgetBytes:  in.BudgetBytes,
		Platform:     in.Platform,
		GitSHA:       in.GitSha,
		NxHash:       in.NxHash,
		Outcome:      ledger.Outcome(in.Outcome),
		DurationMs:   in.DurationMs,
		CIRunID:      ciRunID,
		SBOMDigest:   in.SbomDigest,
		SBOMPackages: in.SbomPackages,
		Signed:       in.Signed,
	}
}

// buildToAPI converts a stored build to its contract form; an empty CI run id
// is left out of the JSON.
func buildToAPI(b ledger.Build) apitypes.Build {
	var ciRunID *apitypes.CiRunId
	if b.CIRunID != "" {
		ciRunID = &b.CIRunID
	}
	return apitypes.Build{
		Id:           b.ID,
		Project:      b.Project,
		Image:        b.Image,
		Digest:       b.Digest,
		Tags:         b.Tags,
		SizeBytes:    b.SizeBytes,
		BudgetBytes:  b.BudgetBytes,
		Platform:     b.Platform,
		GitSha:       b.GitSHA,
		NxHash:       b.NxHash,
		Outcome:      apitypes.Outcome(b.Outcome),
		DurationMs:   b.DurationMs,
		CiRunId:      ciRunID,
		SbomDigest:   b.SBOMDigest,
		SbomPackages: b.SBOMPackages,
		Signed:       b.Signed,
		RecordedAt:   b.RecordedAt,
	}
}

// buildsToAPI converts builds; the result is never nil, so it encodes as [].
func buildsToAPI(bs []ledger.Build) []apitypes.Build {
	out := make([]apitypes.Build, 0, len(bs))
	for _, b := range bs {
		out = append(out, buildToAPI(b))
	}
	return out
}

// imagePageToAPI converts a page of image summaries to the body of
// GET /api/v1/images; nextCursor is null on the last page.
func imagePageToAPI(p ledger.ImagePage) apitypes.ImageList {
	out := make([]apitypes.ImageSummary, 0, len(p.Images))
	for _, im := range p.Images {
		out = append(out, apitypes.ImageSummary{
			Image:        im.Image,
			Project:      im.Project,
			Builds:       im.Builds,
			Latest:       buildToAPI(im.Latest),
			LastBuiltAt:  im.LastBuiltAt,
			LastReusedAt: im.LastReusedAt,
			Runs:         apitypes.ImageRunCounts{Total: im.Runs, Reused: im.RunsReused},
		})
	}
	var next *string
	if p.Next != nil {
		s := p.Next.String()
		next = &s
	}
	return apitypes.ImageList{Images: out, NextCursor: next}
}

// buildPageToAPI converts a page of builds to the body of
// GET /api/v1/images/{image}/builds; nextCursor is null on the last page.
func buildPageToAPI(p ledger.BuildPage) apitypes.BuildPage {
	var next *string
	if p.Next != nil {
		s := p.Next.String()
		next = &s
	}
	return apitypes.BuildPage{Builds: buildsToAPI(p.Builds), NextCursor: next}
}

// sizeSeriesToAPI converts an image's size points (oldest first) to the
// body of GET /api/v1/images/{image}/sizes.
func sizeSeriesToAPI(image string, points []ledger.SizePoint) apitypes.SizeSeries {
	out := make([]apitypes.SizePoint, 0, len(points))
	for _, p := range points {
		out = append(out, apitypes.SizePoint{
			RecordedAt:  p.RecordedAt,
			SizeBytes:   p.SizeBytes,
			BudgetBytes: p.BudgetBytes,
			Digest:      p.Digest,
			Outcome:     apitypes.Outcome(p.Outcome),
			GitSha:      p.GitSHA,
		})
	}
	return apitypes.SizeSeries{Image: image, Points: out}
}

// runSummaryToAPI converts a CI run's summary.
func runSummaryToAPI(r ledger.RunSummary) apitypes.RunSummary {
	return apitypes.RunSummary{
		CiRunId:    r.CIRunID,
		GitSha:     r.GitSHA,
		StartedAt:  r.StartedAt,
		FinishedAt: r.FinishedAt,
		Images:     r.Images,
		Built:      r.Built,
		Reused:     r.Reused,
		DurationMs: r.DurationMs,
	}
}

// runPageToAPI converts a page of runs to the body of GET /api/v1/runs;
// nextCursor is null on the last page.
func runPageToAPI(p ledger.RunPage) apitypes.RunPage {
	runs := make([]apitypes.RunSummary, 0, len(p.Runs))
	for _, r := range p.Runs {
		runs = append(runs, runSummaryToAPI(r))
	}
	var next *string
	if p.Next != nil {
		s := p.Next.String()
		next = &s
	}
	return apitypes.RunPage{Runs: runs, NextCursor: next}
}

// runToAPI converts a run and its builds to the body of
// GET /api/v1/runs/{runId}.
func runToAPI(r ledger.Run) apitypes.Run {
	s := runSummaryToAPI(r.RunSummary)
	return apitypes.Run{
		CiRunId:    s.CiRunId,
		GitSha:     s.GitSha,
		StartedAt:  s.StartedAt,
		FinishedAt: s.FinishedAt,
		Images:     s.Images,
		Built:      s.Built,
		Reused:     s.Reused,
		DurationMs: s.DurationMs,
		Builds:     buildsToAPI(r.Builds),
	}
}
