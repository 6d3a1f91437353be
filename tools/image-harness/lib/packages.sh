# shellcheck shell=bash
# Step 1: the Debian packages, and the Go, Docker and Node commands the later steps run.

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
  # Node of .nvmrc first on PATH: it reads the Dockerfiles (lib/base-images.mts, no npm ci needed),
  # and npm runs on it for the Node stand-in. tools/node/use.sh installs it when the machine has another.
  local node_env
  node_env=$(bash "$REPO/tools/node/use.sh" 2>>"$LOG/node.log") ||
    fail "no Node $(cat "$REPO/.nvmrc" 2>/dev/null) (the .nvmrc major) on PATH, and tools/node/use.sh could not install it" \
      "see $LOG/node.log; it installs Node from the npm registry with the machine's npm"
  if [ -n "$node_env" ]; then
    eval "$node_env"
    say "using Node $(node --version) from $(dirname "$(command -v node)")"
  fi
}
