#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR # the lib/ files below, wherever shellcheck runs from
# Slipway offline image harness: brings up everything `docker buildx build` needs on a
# machine that reaches Debian's apt mirror, the npm registry and the Go module proxy but
# no container registry. Idempotent: a re-run when all is up is a quick no-op.
#
#   sudo tools/image-harness/up.sh        # see tools/image-harness/README.md
#
# Environment:
#   SLIPWAY_HARNESS_STATE   state dir (default /var/lib/slipway-harness)
#   SLIPWAY_HARNESS_IMAGES  extra base images to seed, space separated (e.g. "alpine:3.21")
#   SLIPWAY_HARNESS_STRICT  1 = fail when a base image has no stand-in recipe (default: warn)
#   SLIPWAY_HARNESS_SMOKE   1 = force the --load smoke test even when it passed before
set -Eeuo pipefail

# ---------------------------------------------------------------------------------------
# Pinned versions (bump deliberately; the newest the Go module proxy served when pinned)
# ---------------------------------------------------------------------------------------
BUILDX_VERSION=v0.38.2     # github.com/docker/buildx   (go list -m -versions github.com/docker/buildx)
BUILDKIT_VERSION=v0.34.2   # github.com/moby/buildkit   (go list -m -versions github.com/moby/buildkit)
GO_1_25_VERSION=1.25.14    # golang:1.25-alpine stand-in (go list -m -versions golang.org/toolchain)
# npm bundled with each official Node release (the npm registry has no such index offline)
declare -A NPM_FOR_NODE=([24.6.0]=11.5.1)
# Bump when the stand-in recipe changes in a way the content key cannot see
SEED_RECIPE=1
# mtime of every file in a stand-in layer (reproducible layers): 2025-01-01T00:00:00Z
SEED_EPOCH=1735689600

REGISTRY_ADDR=127.0.0.1:5000
BUILDER_NAME=slipway
STATE=${SLIPWAY_HARNESS_STATE:-/var/lib/slipway-harness}
RUN_DIR=/run/slipway-harness
BUILDKIT_ADDR=unix://$RUN_DIR/buildkitd.sock
CLI_PLUGIN_DIR=/usr/local/lib/docker/cli-plugins
APT_PACKAGES=(docker.io docker-registry busybox-static ca-certificates curl jq tar gzip iptables runc containerd util-linux)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BK_DIR=$STATE/bin/buildkit-$BUILDKIT_VERSION
BX_DIR=$STATE/bin/buildx-$BUILDX_VERSION
BUILDCTL=$BK_DIR/buildctl
LOG=$STATE/log
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin:/usr/local/go/bin"

# One file per step, in the order main runs them; common.sh first.
# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"
# shellcheck source=lib/packages.sh
source "$HERE/lib/packages.sh"
# shellcheck source=lib/registry.sh
source "$HERE/lib/registry.sh"
# shellcheck source=lib/dockerd.sh
source "$HERE/lib/dockerd.sh"
# shellcheck source=lib/build-tools.sh
source "$HERE/lib/build-tools.sh"
# shellcheck source=lib/buildkitd.sh
source "$HERE/lib/buildkitd.sh"
# shellcheck source=lib/standins.sh
source "$HERE/lib/standins.sh"
# shellcheck source=lib/standin-recipe.sh
source "$HERE/lib/standin-recipe.sh"
# shellcheck source=lib/smoke.sh
source "$HERE/lib/smoke.sh"
trap 'on_err "${BASH_SOURCE[0]#"$HERE"/}" "$LINENO" "$BASH_COMMAND"' ERR

main() {
  local t0=$SECONDS
  prepare_state    # root, $STATE, the lock
  ensure_packages  # 1. apt packages; Go, Docker and Node
  find_tools
  ensure_registry  # 2. registry on 127.0.0.1:5000
  ensure_dockerd   # 3. dockerd with the mirror
  ensure_tools     # 4. buildx + BuildKit
  ensure_buildkitd # 5. buildkitd + builder "slipway"
  ensure_builder
  ensure_standins  # 6. stand-in base images
  ensure_smoke     # 7. smoke test
  say "ready in $((SECONDS - t0))s"
  cat <<EOF
  registry    http://$REGISTRY_ADDR  (storage $STATE/registry; docker.io mirror for dockerd and BuildKit)
  dockerd     ${DOCKER_INFO%%|*}  (mirror http://$REGISTRY_ADDR)
  buildkitd   $BUILDKIT_VERSION  ($BUILDKIT_ADDR, config $STATE/etc/buildkitd.toml)
  buildx      $BUILDX_VERSION  (builder '$BUILDER_NAME', remote driver; select it with export BUILDX_BUILDER=$BUILDER_NAME)
  stand-ins   ${SEEDED[*]:-none}
  build with  docker buildx build --builder $BUILDER_NAME --platform linux/amd64 --load -t NAME .
  logs        $LOG/   stop: tools/image-harness/down.sh
EOF
}

main "$@"
