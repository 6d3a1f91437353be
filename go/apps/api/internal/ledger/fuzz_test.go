package ledger

// Fuzz targets for what the ledger takes from clients: the build record's
// validation and the three paging cursors. The seeds run with every
// `go test`; tools/fuzz/run.sh fuzzes each target for a few seconds.

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// knownFields are the JSON names ValidationError may report.
var knownFields = map[string]bool{"project": true, "image": true, "digest": true, "tags": true, "sizeBytes": true,
	"budgetBytes": true, "platform": true, "gitSha": true, "nxHash": true, "outcome": true, "durationMs": true, "ciRunId": true,
	"sbomDigest": true, "sbomPackages": true}

func FuzzValidate(f *testing.F) {
	b := validBuild()
	f.Add(b.Project, b.Image, b.Digest, "main", "v1", b.SizeBytes, int64(0), b.Platform, b.GitSHA, b.NxHash, string(b.Outcome), b.DurationMs, b.CIRunID, "", int64(-1), false)
	f.Add("@slipway/web", "localhost:5000/a__b/c", b.Digest, "_x", "_x", int64(MaxSizeBytes), int64(1), "linux/arm64/v8", "3f2c1ab9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3",
		"abc", "reused", int64(MaxDurationMs), "run\u202e42", "sha256:"+strings.Repeat("cd", 32), int64(0), true)
	f.Add("", "", "", "", "", int64(-1), int64(-1), "", "", "", "", int64(-1), " ", "", int64(-2), false)
	f.Add("a", "A/b:1", "sha256:"+strings.Repeat("A", 64), ".x", "x:y", int64(1<<53), int64(1<<62), "linux//x", "xyz", "a-b", "Built", int64(MaxDurationMs+1), "a\u200bb", "sha256-"+strings.Repeat("cd", 32)+".sbom", int64(MaxSBOMPackages+1), true)
	f.Add("api", "[::1]:5000/app", b.Digest, "t", "u", int64(1), int64(0), "windows/amd64", "abcdef0", "1", "built", int64(0), "\ufeff\xff", "sha256:"+strings.Repeat("CD", 32), int64(MaxSBOMPackages), false)
	f.Fuzz(func(t *testing.T, project, image, digest, tag1, tag2 string, size, budget int64, platform, gitSHA, nxHash, outcome string, duration int64, ciRunID, sbomDigest string, packages int64, signed bool) {
		in := NewBuild{Project: project, Image: image, Digest: digest, Tags: []string{tag1, tag2}, SizeBytes: size,
			Platform: platform, GitSHA: gitSHA, NxHash: nxHash, Outcome: Outcome(outcome), DurationMs: duration, CIRunID: ciRunID}
		if budget != 0 {
			in.BudgetBytes = &budget
		}
		// An empty digest and -1 packages stand for absent ones; signed is
		// reported whenever an SBOM field is.
		if sbomDigest != "" {
			in.SBOMDigest = &sbomDigest
		}
		if packages != -1 {
			in.SBOMPackages = &packages
		}
		if in.SBOMDigest != nil || in.SBOMPackages != nil {
			in.Signed = &signed
		}
		err := in.Validate()
		if err != nil {
			ve, ok := err.(*ValidationError)
			if !ok || len(ve.Fields) == 0 {
				t.Fatalf("error %T %v, want a *ValidationError with fields", err, err)
			}
			for field, msg := range ve.Fields {
				name, _, _ := strings.Cut(field, "[")
				if !knownFields[name] || msg == "" {
					t.Fatalf("field %q: %q", field, msg)
				}
				if len(msg) > 200 {
					t.Fatalf("field %q: a message of %d bytes repeats input", field, len(msg))
				}
			}
			return
		}
		// Accepted: every bound holds, checked here independently.
		if size < 1 || size > 1<<53-1 || duration < 0 || duration > 7*24*3600*1000 || (in.BudgetBytes != nil && (budget < 1 || budget > 1<<53-1)) {
			t.Fatalf("accepted out-of-range numbers: size %d, budget %d, duration %d", size, budget, duration)
		}
		if in.SBOMPackages != nil && (packages < 0 || packages > MaxSBOMPackages) {
			t.Fatalf("accepted sbomPackages %d", packages)
		}
		if in.SBOMDigest != nil && (len(sbomDigest) != 71 || !strings.HasPrefix(sbomDigest, "sha256:") || strings.Trim(sbomDigest[7:], "0123456789abcdef") != "") {
			t.Fatalf("accepted sbomDigest %q", sbomDigest)
		}
		if tag1 == tag2 {
			t.Fatalf("accepted the tag %q twice", tag1)
		}
		if outcome != "built" && outcome != "reused" {
			t.Fatalf("accepted outcome %q", outcome)
		}
		for name, s := range map[string]string{"project": project, "image": image, "digest": digest, "tag": tag1 + tag2,
			"platform": platform, "gitSha": gitSHA, "nxHash": nxHash} {
			for _, r := range s {
				if r > unicode.MaxASCII || unicode.IsSpace(r) || unicode.IsControl(r) {
					t.Fatalf("accepted %q in %s %q", r, name, s)
				}
			}
		}
		if !utf8.ValidString(ciRunID) || utf8.RuneCountInString(ciRunID) > MaxCIRunIDLen || strings.TrimSpace(ciRunID) != ciRunID {
			t.Fatalf("accepted ciRunId %q", ciRunID)
		}
		for _, r := range ciRunID {
			if unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Bidi_Control, r) || unicode.Is(unicode.Join_Control, r) ||
				r == 0x200B || r == 0x2060 || r == 0xFEFF || r == utf8.RuneError || r == 0x2028 || r == 0x2029 {
				t.Fatalf("accepted %U in ciRunId %q", r, ciRunID)
			}
		}
		if !PossibleCIRunID(ciRunID) && ciRunID != "" {
			t.Fatalf("a valid ciRunId %q is not a possible one: runs of it could not be looked up", ciRunID)
		}
		// The same build, through JSON, is the same build.
		raw, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var back NewBuild
		if err := json.Unmarshal(raw, &back); err != nil || back.Validate() != nil || back.Fingerprint() != in.Fingerprint() {
			t.Fatalf("round trip through JSON: %v %+v", err, back)
		}
	})
}

// fuzzCursor checks the properties every cursor parser must have: it never
// panics, and what it accepts is exactly what String produces, so that one
// position has one spelling and a cursor cannot smuggle anything else.
func fuzzCursor[C interface{ String() string }](t *testing.T, s string, parse func(string) (C, error)) {
	c, err := parse(s)
	if err != nil {
		if err != ErrInvalidCursor {
			t.Fatalf("%q: error %v, want ErrInvalidCursor", s, err)
		}
		return
	}
	if got := c.String(); got != s {
		t.Fatalf("%q parses to %+v, which encodes as %q", s, c, got)
	}
}

func FuzzParseBuildCursor(f *testing.F) {
	f.Add(BuildCursor{RecordedAt: time.UnixMilli(1_748_779_200_123), ID: 42}.String())
	f.Add(encode("v1:0:1"))
	f.Add(encode("v1:01:1"))
	f.Add(encode("v1:+1:1"))
	f.Add(encode("v1:-1:1"))
	f.Add(encode("v1:1:9223372036854775807"))
	f.Add(encode("i1:1:1"))
	f.Add("djE6MTox=")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) { fuzzCursor(t, s, ParseBuildCursor) })
}

func FuzzParseImageCursor(f *testing.F) {
	f.Add(ImageCursor{RecordedAt: time.UnixMilli(1_748_779_200_123), ID: 42}.String())
	f.Add(encode("i1:0:1"))
	f.Add(encode("i1:1:0"))
	f.Add(encode("v1:1:1"))
	f.Add(encode("i1:1:1:1"))
	f.Add("aTE6MToy")
	f.Fuzz(func(t *testing.T, s string) { fuzzCursor(t, s, ParseImageCursor) })
}

func FuzzParseRunCursor(f *testing.F) {
	f.Add(RunCursor{StartedAt: time.UnixMilli(1_748_779_200_123), CIRunID: "gh-42"}.String())
	f.Add(RunCursor{StartedAt: time.UnixMilli(5), CIRunID: "run:with:colons é"}.String())
	f.Add(encode("r1:1:run\u202e1"))
	f.Add(encode("r1:1: padded"))
	f.Add(encode("r1:1:a\x00b"))
	f.Add(encode("r1:1:" + strings.Repeat("x", 129)))
	f.Add(encode("r1:1:\xff"))
	f.Fuzz(func(t *testing.T, s string) {
		fuzzCursor(t, s, ParseRunCursor)
		if c, err := ParseRunCursor(s); err == nil && !PossibleCIRunID(c.CIRunID) {
			t.Fatalf("%q: a cursor at run %q, which cannot exist", s, c.CIRunID)
		}
	})
}

func FuzzValidateIdempotencyKey(f *testing.F) {
	for _, k := range []string{"publish-3f1c9a0e", "", "a b", "clé", strings.Repeat("k", 129), "\x7f", "!~"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, k string) {
		if ValidateIdempotencyKey(k) != "" {
			return
		}
		if k == "" || len(k) > MaxIdempotencyKeyLen || strings.ContainsFunc(k, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
			t.Fatalf("accepted key %q", k)
		}
	})
}
