package server

import (
	"slipway/apps/api/internal/apitypes"
	"slipway/apps/api/internal/ledger"
)

// newReleaseFromAPI converts a decoded request body to the domain release,
// which the caller then validates. An absent ciRunId and an empty one are
// the same to the ledger.
func newReleaseFromAPI(in apitypes.NewRelease) ledger.NewRelease {
	var ciRunID string
	if in.CiRunId != nil {
		ciRunID = *in.CiRunId
	}
	return ledger.NewRelease{Project: in.Project, Image: in.Image, Digest: in.Digest, Version: in.Version,
		Tags: in.Tags, GitSHA: in.GitSha, CIRunID: ciRunID}
}

// releaseToAPI converts a stored release to its contract form; an empty CI
// run id is left out of the JSON.
func releaseToAPI(r ledger.Release) apitypes.Release {
	var ciRunID *apitypes.CiRunId
	if r.CIRunID != "" {
		ciRunID = &r.CIRunID
	}
	return apitypes.Release{Id: r.ID, Project: r.Project, Image: r.Image, Digest: r.Digest, Version: r.Version,
		Tags: r.Tags, GitSha: r.GitSHA, CiRunId: ciRunID, RecordedAt: r.RecordedAt}
}

// releaseListToAPI converts releases to the body of GET /api/v1/releases;
// the list is never nil, so it encodes as [].
func releaseListToAPI(rs []ledger.Release) apitypes.ReleaseList {
	out := make([]apitypes.Release, 0, len(rs))
	for _, r := range rs {
		out = append(out, releaseToAPI(r))
	}
	return apitypes.ReleaseList{Releases: out}
}
