# shellcheck shell=bash
# Step 4: buildx and BuildKit at the pinned versions, built from the Go module proxy.

# go_build_module MODULE@VERSION OUTDIR LDFLAGS TAGS PKG...: builds inside the module's own
# directory (go install refuses modules whose go.mod has replace/exclude directives).
go_build_module() {
  local mod=$1 out=$2 ldflags=$3 tags=$4
  shift 4
  local dir tmp
  dir=$(GOFLAGS=-mod=mod GOWORK=off "$GO" mod download -json "$mod" 2>>"$LOG/build-tools.log" | jq -r '.Dir // empty') || true
  # shellcheck disable=SC2015 # fail unless both hold
  [ -n "$dir" ] && [ -d "$dir" ] || fail "could not download $mod from the Go module proxy" "see $LOG/build-tools.log; check GOPROXY ($("$GO" env GOPROXY))"
  tmp=$(mktemp -d "$STATE/bin/.build.XXXXXX")
  if ! (cd "$dir" && CGO_ENABLED=0 GOWORK=off GOFLAGS=-mod=mod "$GO" build -trimpath -tags "$tags" -ldflags "$ldflags" -o "$tmp/" "$@") >>"$LOG/build-tools.log" 2>&1; then
    rm -rf "$tmp"
    fail "building $mod failed" "see $LOG/build-tools.log (the module may need a newer Go: GOTOOLCHAIN=auto fetches it from the proxy)"
  fi
  rm -rf "$out"
  mv "$tmp" "$out"
}

ensure_tools() {
  if [ -x "$BK_DIR/buildkitd" ] && [ -x "$BUILDCTL" ] && has_version "$BUILDKIT_VERSION" "$BUILDCTL" --version; then
    say "BuildKit $BUILDKIT_VERSION present (cached)"
  else
    say "building BuildKit $BUILDKIT_VERSION (buildkitd, buildctl) from the Go module proxy; a few minutes on first run (log $LOG/build-tools.log)…"
    go_build_module "github.com/moby/buildkit@$BUILDKIT_VERSION" "$BK_DIR" \
      "-s -w -X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION -X github.com/moby/buildkit/version.Package=github.com/moby/buildkit" \
      "osusergo netgo static_build seccomp" ./cmd/buildkitd ./cmd/buildctl
  fi
  if [ -x "$BX_DIR/docker-buildx" ] && has_version "$BUILDX_VERSION" "$BX_DIR/docker-buildx" version; then
    say "buildx $BUILDX_VERSION present (cached)"
  else
    say "building buildx $BUILDX_VERSION from the Go module proxy (log $LOG/build-tools.log)…"
    go_build_module "github.com/docker/buildx@$BUILDX_VERSION" "$BX_DIR" \
      "-s -w -X github.com/docker/buildx/version.Version=$BUILDX_VERSION -X github.com/docker/buildx/version.Package=github.com/docker/buildx" \
      "" ./cmd/buildx
    mv "$BX_DIR/buildx" "$BX_DIR/docker-buildx"
  fi
  if ! cmp -s "$BX_DIR/docker-buildx" "$CLI_PLUGIN_DIR/docker-buildx"; then
    mkdir -p "$CLI_PLUGIN_DIR"
    install -m 0755 "$BX_DIR/docker-buildx" "$CLI_PLUGIN_DIR/docker-buildx.tmp"
    mv -f "$CLI_PLUGIN_DIR/docker-buildx.tmp" "$CLI_PLUGIN_DIR/docker-buildx"
    say "installed buildx $BUILDX_VERSION as $CLI_PLUGIN_DIR/docker-buildx"
  fi
  if ! has_version "$BUILDX_VERSION" "$DOCKER" buildx version; then
    fail "'docker buildx version' does not report $BUILDX_VERSION: another docker-buildx plugin shadows $CLI_PLUGIN_DIR" \
      "remove ${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins/docker-buildx (or copy $BX_DIR/docker-buildx over it) and re-run"
  fi
}
