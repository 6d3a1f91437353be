# shellcheck shell=bash
# Step 7: a current-BuildKit build through the builder, --load into dockerd, docker run.

ensure_smoke() {
  local base="" ref key dir out
  for ref in "${SEEDED[@]}"; do case "$ref" in alpine:*) base=$ref; break ;; esac; done
  [ -n "$base" ] || base=${SEEDED[0]:-}
  [ -n "$base" ] || return 0
  key="$BUILDX_VERSION $BUILDKIT_VERSION $base $(pidfile_pid /var/run/docker.pid) $(pidfile_pid "$STATE/run/buildkitd.pid") $(registry_key "library/${base%%:*}" "${base#*:}")"
  if [ "${SLIPWAY_HARNESS_SMOKE:-0}" != 1 ] && [ "$(cat "$STATE/run/smoke.ok" 2>/dev/null || true)" = "$key" ]; then
    say "smoke test passed before (builder unchanged)"
    return
  fi
  say "smoke test: docker buildx build --load FROM $base (COPY --link, RUN --mount=type=cache), docker run…"
  dir=$(mktemp -d "$STATE/seed/.smoke.XXXXXX")
  echo "slipway-harness-smoke" >"$dir/stamp.txt"
  cat >"$dir/Dockerfile" <<EOF
FROM --platform=linux/amd64 $base
RUN --mount=type=cache,id=slipway-harness-smoke,target=/cache echo ok >/cache/ok && cp /cache/ok /ok
COPY --link stamp.txt /stamp.txt
CMD ["cat", "/ok", "/stamp.txt"]
EOF
  if ! "$DOCKER" buildx build --builder "$BUILDER_NAME" --platform linux/amd64 --load --provenance=false \
    -t slipway-harness-smoke:latest "$dir" >>"$LOG/smoke.log" 2>&1; then
    rm -rf "$dir"
    fail "smoke build through builder '$BUILDER_NAME' failed" "see $LOG/smoke.log"
  fi
  rm -rf "$dir"
  out=$("$DOCKER" run --rm --platform linux/amd64 slipway-harness-smoke:latest 2>>"$LOG/smoke.log" | tr '\n' ' ') || true
  "$DOCKER" image rm -f slipway-harness-smoke:latest >/dev/null 2>&1 || true
  [ "$out" = "ok slipway-harness-smoke " ] || fail "smoke image loaded but 'docker run' printed '$out'" "see $LOG/smoke.log and $LOG/dockerd.log"
  echo "$key" >"$STATE/run/smoke.ok"
  say "smoke test passed"
}
