#!/usr/bin/env bash
# Gives every Go fuzz target of the repository a short fuzzing pass, one
# target at a time (Go fuzzes one target per run): every `func FuzzXxx(f
# *testing.F)` in a _test.go file under go/ is found, so a new target joins
# without being listed anywhere.
#
#   bash tools/fuzz/run.sh                       every target, FUZZTIME each (default 3s)
#   FUZZTIME=30s bash tools/fuzz/run.sh libs/httpx apps/api   only the packages under these go/ paths
#   bash tools/fuzz/run.sh --list                print "<package dir> <target>" and exit
#
# The seed corpus of each target (its f.Add calls, and testdata/fuzz/<Target>/
# when present) already runs in every `go test`. A failing input is written to
# testdata/fuzz/<Target>/ beside the test, as Go does: commit it, and it
# becomes a seed that keeps the bug fixed. Exits 1 when any target failed,
# after running them all.
set -euo pipefail
cd "$(dirname "$0")/../../go"

fuzztime=${FUZZTIME:-3s}
list=false
if [[ ${1:-} == --list ]]; then list=true; shift; fi
roots=("$@")
[[ ${#roots[@]} -gt 0 ]] || roots=(.)

# "<dir> <name>" for every fuzz target under the roots, sorted.
targets=$(grep -rE --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' "${roots[@]}" |
  sed -E 's#^(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]*)\(.*#\1 \2#; s#^\./##' | sort -u)

if [[ -z $targets ]]; then
  echo "tools/fuzz/run.sh: no fuzz targets under ${roots[*]}" >&2
  exit 1
fi
if $list; then
  printf '%s\n' "$targets"
  exit 0
fi

failed=()
count=0
while read -r dir name; do
  count=$((count + 1))
  echo "::group::fuzz ./$dir $name for $fuzztime"
  if ! go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "./$dir"; then
    failed+=("./$dir $name")
  fi
  echo "::endgroup::"
done <<<"$targets"

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "tools/fuzz/run.sh: ${#failed[@]} of $count fuzz targets failed:" >&2
  printf '  %s\n' "${failed[@]}" >&2
  echo "the failing inputs are in testdata/fuzz/ beside them; rerun one with go test -run=<Target>/<file> ./<dir>" >&2
  exit 1
fi
echo "tools/fuzz/run.sh: $count fuzz targets, $fuzztime each: no failure"
