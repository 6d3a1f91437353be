# shellcheck shell=bash
# Step 5: buildkitd on the host, and the buildx builder "slipway" that points at it.

write_buildkitd_toml() {
  cat <<EOF
# written by tools/image-harness/up.sh: BuildKit for the Slipway offline image harness
root = "$STATE/buildkit"

[log]
  format = "text"

[grpc]
  address = ["$BUILDKIT_ADDR"]

[worker.oci]
  enabled = true
  platforms = ["linux/amd64"]
  snapshotter = "auto"
  gc = true

[worker.containerd]
  enabled = false

# docker.io resolves through the local registry seeded with stand-in base images
[registry."docker.io"]
  mirrors = ["$REGISTRY_ADDR"]

[registry."$REGISTRY_ADDR"]
  http = true
  insecure = true
EOF
}

buildkitd_version() { timeout 10 "$BUILDCTL" --addr "$BUILDKIT_ADDR" debug info 2>/dev/null | awk '/^BuildKit:/ { print $3 }'; }
buildkitd_up() { timeout 10 "$BUILDCTL" --addr "$BUILDKIT_ADDR" debug workers >/dev/null 2>&1; }


ensure_buildkitd() {
  local toml=$STATE/etc/buildkitd.toml new pid running_ver
  new=$(write_buildkitd_toml)
  if [ "$(cat "$toml" 2>/dev/null || true)" != "$new" ]; then printf '%s\n' "$new" >"$toml"; fi
  local want
  want=$(printf '%s %s' "$BUILDKIT_VERSION" "$(sha <"$toml")")
  pid=$(pidfile_pid "$STATE/run/buildkitd.pid")
  if buildkitd_up; then
    running_ver=$(buildkitd_version)
    if [ "$(cat "$STATE/run/buildkitd.config" 2>/dev/null || true)" = "$want" ] && [ "$running_ver" = "$BUILDKIT_VERSION" ]; then
      say "buildkitd $running_ver answering on $BUILDKIT_ADDR"
      return
    fi
    if pid_alive "$pid"; then
      say "restarting buildkitd (version or config changed)…"
      stop_pid "$pid" 20
    else
      fail "a buildkitd not started by this harness answers on $BUILDKIT_ADDR (version ${running_ver:-unknown})" \
        "stop it and re-run"
    fi
  elif pid_alive "$pid"; then
    say "buildkitd (pid $pid) not answering; restarting it…"
    stop_pid "$pid" 20
  fi
  rm -f "${BUILDKIT_ADDR#unix://}"
  say "starting buildkitd $BUILDKIT_VERSION (runc worker; log $LOG/buildkitd.log)…"
  start_daemon buildkitd "$LOG/buildkitd.log" "$BK_DIR/buildkitd" --config "$toml"
  printf '%s\n' "$want" >"$STATE/run/buildkitd.config"
  wait_for 60 buildkitd_up || fail "buildkitd did not answer on $BUILDKIT_ADDR within 60s" \
    "see $LOG/buildkitd.log (needs runc in PATH, overlayfs and root)"
  rm -f "$STATE/run/smoke.ok"
}

ensure_builder() {
  local inst="${DOCKER_CONFIG:-$HOME/.docker}/buildx/instances/$BUILDER_NAME"
  if [ -f "$inst" ] && jq -e --arg ep "$BUILDKIT_ADDR" '.Driver == "remote" and (.Nodes | length) == 1 and .Nodes[0].Endpoint == $ep' "$inst" >/dev/null 2>&1; then
    :
  else
    say "registering buildx builder '$BUILDER_NAME' (remote driver, $BUILDKIT_ADDR)…"
    "$DOCKER" buildx rm "$BUILDER_NAME" >/dev/null 2>&1 || true
    "$DOCKER" buildx create --name "$BUILDER_NAME" --driver remote "$BUILDKIT_ADDR" >>"$LOG/buildx.log" 2>&1 ||
      fail "docker buildx create failed" "see $LOG/buildx.log"
    rm -f "$STATE/run/smoke.ok"
  fi
  # The machine's current builder is the user's choice: select this one with
  # BUILDX_BUILDER (or --builder), never with `docker buildx use`.
  say "buildx builder '$BUILDER_NAME' is registered; select it with BUILDX_BUILDER=$BUILDER_NAME"
}
