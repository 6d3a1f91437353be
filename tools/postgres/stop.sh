#!/usr/bin/env bash
# Stops a cluster started by start.sh and removes its temporary directory:
#
#   bash tools/postgres/stop.sh "$POSTGRES_SERVER_DIR"
set -euo pipefail

dir=${1:-${POSTGRES_SERVER_DIR:-}}
if [[ -z $dir || ! -f $dir/data/PG_VERSION ]]; then
  echo "usage: $0 <POSTGRES_SERVER_DIR printed by start.sh>" >&2
  exit 2
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as=()
if [[ $(id -u) -eq 0 ]]; then as=(runuser -u postgres --); fi
if [[ -f $dir/data/postmaster.pid ]]; then
  "${as[@]}" "$bindir/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >&2 || true
fi
rm -rf "$dir"
