#!/usr/bin/env bash
# Stops what tools/image-harness/up.sh started: buildkitd, the registry and dockerd (only
# processes whose pid the harness recorded; a dockerd started by systemd is left alone).
#
#   sudo tools/image-harness/down.sh            # stop; keep images, caches and built tools
#   sudo tools/image-harness/down.sh --purge    # also delete the registry storage and the
#                                               # BuildKit cache (built buildx/BuildKit kept)
set -euo pipefail

STATE=${SLIPWAY_HARNESS_STATE:-/var/lib/slipway-harness}
RUN_DIR=/run/slipway-harness
purge=0
case "${1:-}" in
  --purge) purge=1 ;;
  "") ;;
  *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
esac

say() { printf 'harness: %s\n' "$*"; }
[ "$(id -u)" = 0 ] || { echo "harness: ERROR: down.sh must run as root (sudo tools/image-harness/down.sh)" >&2; exit 1; }

# stop NAME EXPECTED_EXE SECONDS: stop the process in $STATE/run/NAME.pid if it is EXPECTED_EXE
stop() {
  local name=$1 exe=$2 secs=$3 f="$STATE/run/$1.pid" pid n
  [ -s "$f" ] || { say "$name: not started by the harness"; return 0; }
  pid=$(cat "$f")
  if ! kill -0 "$pid" 2>/dev/null; then
    say "$name: not running"
    rm -f "$f"
    return 0
  fi
  case "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" in
    *"/$exe" | *"/$exe (deleted)") ;;
    *) say "$name: pid $pid is no longer $exe; leaving it alone"; rm -f "$f"; return 0 ;;
  esac
  say "stopping $name (pid $pid)…"
  kill "$pid" 2>/dev/null || true
  n=$((secs * 4))
  while kill -0 "$pid" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.25; n=$((n - 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name did not stop in ${secs}s; killing pid $pid"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

stop buildkitd buildkitd 30
rm -f "$RUN_DIR/buildkitd.sock" "$STATE/run/buildkitd.config" "$STATE/run/smoke.ok"
stop registry docker-registry 15
stop dockerd dockerd 60

if [ $purge = 1 ]; then
  say "purging registry storage and BuildKit cache under $STATE…"
  rm -rf "$STATE/registry" "$STATE/buildkit" "$STATE/seed"
fi
say "down"
