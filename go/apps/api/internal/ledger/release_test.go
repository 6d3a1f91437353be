package ledger

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func validRelease() NewRelease {
	return NewRelease{Project: "api", Image: "registry.example/ns/slipway-api", Digest: "sha256:" + strings.Repeat("ab", 32),
		Version: "2612.02.abc1234", Tags: []string{"2612.02.abc1234"}, GitSHA: "abc1234", CIRunID: "gh-7"}
}

func TestReleaseValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*NewRelease)
		fields []string // the fields reported; none: valid
	}{
		{"valid", func(*NewRelease) {}, nil},
		{"without a run id", func(r *NewRelease) { r.CIRunID = "" }, nil},
		{"a semver version", func(r *NewRelease) { r.Version = "1.4.0-rc.1" }, nil},
		{"a version of 128 characters", func(r *NewRelease) { r.Version = strings.Repeat("v", 128) }, nil},
		{"no version", func(r *NewRelease) { r.Version = "" }, []string{"version"}},
		{"a version of 129 characters", func(r *NewRelease) { r.Version = strings.Repeat("v", 129) }, []string{"version"}},
		{"a version with a slash", func(r *NewRelease) { r.Version = "v1/2" }, []string{"version"}},
		{"a version starting with a dot", func(r *NewRelease) { r.Version = ".1" }, []string{"version"}},
		{"a digest in uppercase", func(r *NewRelease) { r.Digest = "sha256:" + strings.Repeat("AB", 32) }, []string{"digest"}},
		{"no digest", func(r *NewRelease) { r.Digest = "" }, []string{"digest"}},
		{"no tags", func(r *NewRelease) { r.Tags = nil }, []string{"tags"}},
		{"a duplicated tag", func(r *NewRelease) { r.Tags = []string{"a", "a"} }, []string{"tags[1]"}},
		{"a bad git sha", func(r *NewRelease) { r.GitSHA = "main" }, []string{"gitSha"}},
		{"a bidi override in the run id", func(r *NewRelease) { r.CIRunID = "run\u202e1" }, []string{"ciRunId"}},
		{"everything missing", func(r *NewRelease) { *r = NewRelease{} },
			[]string{"project", "image", "digest", "version", "tags", "gitSha"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validRelease()
			tt.change(&r)
			err := r.Validate()
			if len(tt.fields) == 0 {
				if err != nil {
					t.Fatalf("%v, want valid", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Record != "release" || len(ve.Fields) != len(tt.fields) {
				t.Fatalf("%v, want a release's ValidationError of %v", err, tt.fields)
			}
			for _, f := range tt.fields {
				if ve.Fields[f] == "" {
					t.Errorf("%s not reported: %v", f, ve.Fields)
				}
			}
			if !strings.HasPrefix(err.Error(), "invalid release: ") {
				t.Errorf("message %q", err)
			}
		})
	}
}

func TestReleaseConflict(t *testing.T) {
	stored := Release{ID: 1, NewRelease: validRelease(), RecordedAt: time.Unix(0, 0)}
	tests := []struct {
		name   string
		change func(*NewRelease)
		fields []string
	}{
		{"the same release", func(*NewRelease) {}, nil},
		{"another digest", func(r *NewRelease) { r.Digest = "sha256:" + strings.Repeat("cd", 32) }, []string{"digest"}},
		{"a re-run: another run, other tags", func(r *NewRelease) { r.CIRunID, r.Tags = "gh-7-2", append(r.Tags, "latest") }, nil},
		{"another image and digest", func(r *NewRelease) { r.Image, r.Digest = "r.example/x", "sha256:"+strings.Repeat("cd", 32) },
			[]string{"image", "digest"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validRelease()
			tt.change(&r)
			err := r.Conflict(stored)
			if len(tt.fields) == 0 {
				if err != nil {
					t.Fatalf("%v, want no conflict", err)
				}
				return
			}
			var ce *ReleaseConflictError
			if !errors.As(err, &ce) || len(ce.Fields) != len(tt.fields) || ce.Version != r.Version {
				t.Fatalf("%v, want a conflict of %v", err, tt.fields)
			}
			for _, f := range tt.fields {
				if !strings.HasPrefix(ce.Fields[f], "differs from the recorded ") {
					t.Errorf("%s: %q", f, ce.Fields[f])
				}
			}
		})
	}
}

// knownReleaseFields are the JSON names a release's ValidationError may
// report.
var knownReleaseFields = map[string]bool{"project": true, "image": true, "digest": true, "version": true,
	"tags": true, "gitSha": true, "ciRunId": true}

func FuzzValidateRelease(f *testing.F) {
	r := validRelease()
	f.Add(r.Project, r.Image, r.Digest, r.Version, "main", "v1", r.GitSHA, r.CIRunID)
	f.Add("", "", "", "", "", "", "", "")
	f.Add("@s/web", "localhost:5000/a", r.Digest, strings.Repeat("9", 129), ".x", ".x", "ABCDEF0", " run")
	f.Add("api", "a/b:1", "sha256:"+strings.Repeat("a", 63), "2612.02.abc1234\x00", "t", "t", "abc1234", "\ufeff\xff")
	f.Fuzz(func(t *testing.T, project, image, digest, version, tag1, tag2, gitSHA, ciRunID string) {
		in := NewRelease{Project: project, Image: image, Digest: digest, Version: version, Tags: []string{tag1, tag2},
			GitSHA: gitSHA, CIRunID: ciRunID}
		err := in.Validate()
		if err == nil {
			// A valid version is a tag: ASCII of at most 128 bytes.
			if version == "" || len(version) > MaxVersionLen || !utf8.ValidString(version) || strings.ContainsAny(version, "/: @") {
				t.Fatalf("version %q accepted", version)
			}
			if !digestRe.MatchString(digest) {
				t.Fatalf("digest %q accepted", digest)
			}
			return
		}
		ve, ok := err.(*ValidationError)
		if !ok || ve.Record != "release" || len(ve.Fields) == 0 {
			t.Fatalf("error %T %v, want a release's *ValidationError with fields", err, err)
		}
		for field, msg := range ve.Fields {
			name, _, _ := strings.Cut(field, "[")
			if !knownReleaseFields[name] || msg == "" || len(msg) > 200 {
				t.Fatalf("field %q: %q", field, msg)
			}
		}
	})
}
