#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint, built from the Go module
# proxy at a pinned version (no prebuilt binary is downloaded):
#
#   bash tools/ci/scripts/actionlint.sh                   # .github/workflows/*.yml
#   bash tools/ci/scripts/actionlint.sh path/to/file.yml  # other files
#
# The binary is cached in ACTIONLINT_BIN (default:
# ${XDG_CACHE_HOME:-$HOME/.cache}/slipway/actionlint/<version>); the first run
# compiles it (about a minute). actionlint also runs shellcheck on `run:`
# scripts when shellcheck is on PATH.
set -euo pipefail

ACTIONLINT_MODULE=github.com/rhysd/actionlint/cmd/actionlint
ACTIONLINT_VERSION=v1.7.12

bindir=${ACTIONLINT_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/slipway/actionlint/$ACTIONLINT_VERSION}
bin=$bindir/actionlint

if [[ ! -x $bin ]]; then
  command -v go >/dev/null || { echo "actionlint.sh: Go is required to build actionlint (install Go >= 1.25)" >&2; exit 1; }
  echo "actionlint.sh: building $ACTIONLINT_MODULE@$ACTIONLINT_VERSION into $bindir (first run only)" >&2
  mkdir -p "$bindir"
  # Outside any module, so the caller's go.mod and GOFLAGS do not interfere.
  (cd / && GOBIN=$bindir GOFLAGS=-trimpath CGO_ENABLED=0 go install "$ACTIONLINT_MODULE@$ACTIONLINT_VERSION") >&2
fi

if [[ ${1:-} == --print-path ]]; then
  echo "$bin"
  exit 0
fi
exec "$bin" -no-color "$@"
