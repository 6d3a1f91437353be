#!/usr/bin/env bash
# Stops a server started by start.sh and removes its temporary directory:
#
#   tools/s3-server/stop.sh "$S3_SERVER_DIR"
set -euo pipefail

dir=${1:-${S3_SERVER_DIR:-}}
if [[ -z $dir || ! -f $dir/server.pid ]]; then
  echo "usage: $0 <S3_SERVER_DIR printed by start.sh>" >&2
  exit 2
fi
pid=$(cat "$dir/server.pid")
if kill "$pid" 2>/dev/null; then
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
fi
rm -rf "$dir"
