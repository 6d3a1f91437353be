package ledger

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on build fields.
const (
	MaxProjectLen  = 214
	MaxImageLen    = 255
	MinTags        = 1
	MaxTags        = 32
	MaxPlatformLen = 64
	MaxNxHashLen   = 128
	MaxCIRunIDLen  = 128
	// MaxSizeBytes bounds sizeBytes and budgetBytes at 2^53-1, the largest
	// integer a JavaScript reader (the web app) holds exactly.
	MaxSizeBytes = 1<<53 - 1
	// MaxDurationMs bounds durationMs at seven days: no build takes longer,
	// and sums over many builds stay far from overflowing 64 bits.
	MaxDurationMs = 7 * 24 * 60 * 60 * 1000
	// MaxSBOMPackages bounds sbomPackages: far more than any image holds.
	MaxSBOMPackages = 1_000_000
)

var (
	// projectRe follows Nx/npm project names: an optional @scope/ and a
	// name of letters, digits, '.', '_' and '-', starting with a letter or
	// digit.
	projectRe = regexp.MustCompile(`^(?:@[a-z0-9][a-z0-9._-]*/)?[A-Za-z0-9][A-Za-z0-9._-]*$`)
	// domainRe is an image reference's registry host with optional port
	// (lowercase only, as the whole image name must be).
	domainRe = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:]+\])(?::[0-9]{1,5})?$`)
	// pathComponentRe is one path component of an image name.
	pathComponentRe = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
	digestRe        = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
	tagRe           = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	platformRe      = regexp.MustCompile(`^[a-z0-9]+/[a-z0-9_]+(?:/[a-z0-9]+)?$`)
	gitSHARe        = regexp.MustCompile(`^[0-9a-f]{7,40}$`)
	nxHashRe        = regexp.MustCompile(`^[A-Za-z0-9]+$`)
)

// ValidationError lists what is wrong with a build (or a release), per
// JSON field.
type ValidationError struct {
	// Record is what is invalid: "" for a build, "release" for a release.
	Record string
	// Fields maps a JSON field path ("digest", "tags[2]") to a short
	// description of the problem ("must be ...").
	Fields map[string]string
}

// Error implements error.
func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + e.Fields[k]
	}
	record := e.Record
	if record == "" {
		record = "build"
	}
	return "invalid " + record + ": " + strings.Join(parts, "; ")
}

// Validate checks every field of b and returns a *ValidationError listing
// all problems, or nil when b is valid.
func (b NewBuild) Validate() error {
	f := map[string]string{}
	set := func(field, msg string) {
		if msg != "" {
			f[field] = msg
		}
	}
	set("project", ValidateProject(b.Project))
	set("image", ValidateImageName(b.Image))
	switch {
	case b.Digest == "":
		set("digest", "is required")
	case !digestRe.MatchString(b.Digest):
		set("digest", "must be sha256: followed by 64 lowercase hex characters")
	}
	validateTags(b.Tags, set)
	if b.SizeBytes <= 0 || b.SizeBytes > MaxSizeBytes {
		set("sizeBytes", fmt.Sprintf("must be an integer from 1 to %d", int64(MaxSizeBytes)))
	}
	if b.BudgetBytes != nil && (*b.BudgetBytes < 1 || *b.BudgetBytes > MaxSizeBytes) {
		set("budgetBytes", fmt.Sprintf("must be an integer from 1 to %d, or null (or left out) for no budget", int64(MaxSizeBytes)))
	}
	switch {
	case b.Platform == "":
		set("platform", "is required")
	case len(b.Platform) > MaxPlatformLen || !platformRe.MatchString(b.Platform):
		set("platform", "must be os/arch or os/arch/variant in lowercase, such as linux/amd64 or linux/arm64/v8")
	}
	switch {
	case b.GitSHA == "":
		set("gitSha", "is required")
	case !gitSHARe.MatchString(b.GitSHA):
		set("gitSha", "must be 7 to 40 lowercase hex characters")
	}
	switch {
	case b.NxHash == "":
		set("nxHash", "is required")
	case len(b.NxHash) > MaxNxHashLen || !nxHashRe.MatchString(b.NxHash):
		set("nxHash", fmt.Sprintf("must be 1 to %d letters and digits", MaxNxHashLen))
	}
	switch b.Outcome {
	case OutcomeBuilt, OutcomeReused:
	case "":
		set("outcome", `is required ("built" or "reused")`)
	default:
		set("outcome", `must be "built" or "reused"`)
	}
	if b.DurationMs < 0 || b.DurationMs > MaxDurationMs {
		set("durationMs", fmt.Sprintf("must be an integer from 0 to %d (seven days)", MaxDurationMs))
	}
	set("ciRunId", validateCIRunID(b.CIRunID))
	if b.SBOMDigest != nil && !digestRe.MatchString(*b.SBOMDigest) {
		set("sbomDigest", "must be sha256: followed by 64 lowercase hex characters (the SBOM document's digest), or null (or left out) when there is no SBOM")
	}
	if b.SBOMPackages != nil && (*b.SBOMPackages < 0 || *b.SBOMPackages > MaxSBOMPackages) {
		set("sbomPackages", fmt.Sprintf("must be an integer from 0 to %d, or null (or left out) when there is no SBOM", MaxSBOMPackages))
	}
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: f}
}

// ValidateProject checks that p is an Nx project name. It returns a
// description of the problem, or "" when p is valid.
func ValidateProject(p string) string {
	switch {
	case p == "":
		return "is required"
	case len(p) > MaxProjectLen:
		return fmt.Sprintf("must be at most %d characters", MaxProjectLen)
	case !projectRe.MatchString(p):
		return "must be an Nx project name: letters, digits, '.', '_' and '-', optionally scoped as @scope/name"
	}
	return ""
}

// ValidateImageName checks that s is an image name (registry host and
// repository path) without tag or digest, in lowercase and at most 255
// characters, such as "registry.example/ns/slipway-api". It returns a
// description of the problem, or "" when s is valid.
func ValidateImageName(s string) string {
	const want = "must be an image name such as registry.example/ns/name"
	switch {
	case s == "":
		return "is required"
	case len(s) > MaxImageLen:
		return fmt.Sprintf("must be at most %d characters", MaxImageLen)
	case strings.Contains(s, "@"):
		return `must not include a digest (send it in "digest")`
	case s != strings.ToLower(s):
		return "must be lowercase"
	}
	comps := strings.Split(s, "/")
	if len(comps) > 1 && (strings.ContainsAny(comps[0], ".:") || comps[0] == "localhost") {
		if !domainRe.MatchString(comps[0]) {
			return want + " (the registry host is not valid)"
		}
		comps = comps[1:]
	}
	if strings.Contains(comps[len(comps)-1], ":") {
		return `must not include a tag (send tags in "tags")`
	}
	for _, c := range comps {
		if !pathComponentRe.MatchString(c) {
			return want
		}
	}
	return ""
}

func validateTags(tags []string, set func(field, msg string)) {
	if len(tags) < MinTags || len(tags) > MaxTags {
		set("tags", fmt.Sprintf("must hold %d to %d tags", MinTags, MaxTags))
		if len(tags) == 0 {
			return
		}
	}
	seen := make(map[string]int, len(tags))
	for i, t := range tags {
		field := fmt.Sprintf("tags[%d]", i)
		if !tagRe.MatchString(t) {
			set(field, "must be a tag of 1 to 128 characters: letters, digits, '_', '.' and '-', not starting with '.' or '-'")
			continue
		}
		if j, dup := seen[t]; dup {
			set(field, fmt.Sprintf("duplicates tags[%d]", j))
			continue
		}
		seen[t] = i
	}
}

// PossibleCIRunID reports whether s could be the id of a recorded run:
// what every version of the rules accepted (not empty, at most
// MaxCIRunIDLen characters of valid UTF-8, no control characters, no
// surrounding white space). Runs recorded before format characters were
// refused stay reachable and pageable: lookups and cursors check this, not
// the stricter rule for new builds.
func PossibleCIRunID(s string) bool {
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxCIRunIDLen || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func validateCIRunID(s string) string {
	if s == "" {
		return ""
	}
	if utf8.RuneCountInString(s) > MaxCIRunIDLen {
		return fmt.Sprintf("must be at most %d characters", MaxCIRunIDLen)
	}
	if strings.TrimSpace(s) != s {
		return "must not start or end with whitespace"
	}
	if r, bad := hiddenRune(s); bad {
		return fmt.Sprintf("must not contain %U: control, format, bidi and zero-width characters and U+FFFD are refused", r)
	}
	return ""
}

// hiddenRune finds the first character of s that would change or hide how
// text around it is displayed, or stand for broken input: C0 and C1
// controls, U+FFFD (and invalid UTF-8, which decodes to it), and the format
// characters that reorder or hide text: bidi embeddings, overrides,
// isolates and marks (U+202E shows "abc" as "cba"), zero-width spaces and
// joiners, the soft hyphen, line and paragraph separators, the byte order
// mark and interlinear annotations. The set is written out rather than
// taken from unicode.Cf so that it equals the contract's pattern for
// CiRunId exactly, whatever the Unicode version.
func hiddenRune(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case unicode.IsControl(r), r == utf8.RuneError,
			r == 0x00AD, r == 0x061C, r == 0x180E,
			r >= 0x200B && r <= 0x200F,
			r >= 0x2028 && r <= 0x202E,
			r >= 0x2060 && r <= 0x206F,
			r == 0xFEFF,
			r >= 0xFFF9 && r <= 0xFFFB:
			return r, true
		}
	}
	return 0, false
}
