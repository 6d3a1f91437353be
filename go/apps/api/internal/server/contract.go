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
		Project:    in.Project,
		Image:      in.Image,
		Digest:     in.Digest,
		Tags:       in.Tags,
		SizeBytes:  in.SizeBytes,
		Platform:   in.Platform,
		GitSHA:     in.GitSha,
		NxHash:     in.NxHash,
		Outcome:    ledger.Outcome(in.Outcome),
		DurationMs: in.DurationMs,
		CIRunID:    ciRunID,
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
		Id:         b.ID,
		Project:    b.Project,
		Image:      b.Image,
		Digest:     b.Digest,
		Tags:       b.Tags,
		SizeBytes:  b.SizeBytes,
		Platform:   b.Platform,
		GitSha:     b.GitSHA,
		NxHash:     b.NxHash,
		Outcome:    apitypes.Outcome(b.Outcome),
		DurationMs: b.DurationMs,
		CiRunId:    ciRunID,
		RecordedAt: b.RecordedAt,
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

// imageListToAPI converts image summaries to the body of GET /api/v1/images.
func imageListToAPI(images []ledger.ImageSummary) apitypes.ImageList {
	out := make([]apitypes.ImageSummary, 0, len(images))
	for _, im := range images {
		out = append(out, apitypes.ImageSummary{
			Image:      im.Image,
			Project:    im.Project,
			BuildCount: im.BuildCount,
			Latest:     buildToAPI(im.Latest),
		})
	}
	return apitypes.ImageList{Images: out}
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
