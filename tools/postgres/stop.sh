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
# The binaries of the version that made the cluster, even if a newer one
# was installed since.
bindir=/usr/lib/postgresql/$(<"$dir/data/PG_VERSION")/bin
as=()
# As root, act as the cluster's owner: postgres, or whoever ran start.sh.
if [[ $(id -u) -eq 0 ]]; then as=(runuser -u "$(stat -c %U "$dir/data")" --); fi
if [[ -f $dir/data/postmaster.pid ]]; then
  # Removing the directory under a running server would orphan it: stop it
  # hard if a clean stop fails.
  "${as[@]}" "$bindir/pg_ctl" --pgdata="$dir/data" --mode=fast --wait --timeout=30 stop >&2 ||
    "${as[@]}" "$bindir/pg_ctl" --pgdata="$dir/data" --mode=immediate --wait stop >&2 || true
fi
rm -rf "$dir"
