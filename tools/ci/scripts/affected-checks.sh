#!/usr/bin/env bash
# The affected lint, test and typecheck of CI's checks jobs (ci.yml: checks for
# pull requests, checks-main for pushes to main; they differ only in the remote
# cache token). Starts what the affected tests need on a runner (MinIO, a
# throwaway PostgreSQL), then runs Nx through with-remote-cache, from the
# repository root, with NX_BASE/NX_HEAD from nx-set-shas.
set -euo pipefail

# Assigned first, so that a failed start stops the script (set -e).
s3_env=$(bash tools/s3-server/start.sh)
eval "$s3_env"
postgres_env=$(bash tools/postgres/start.sh)
eval "$postgres_env"
trap 'bash tools/s3-server/stop.sh "$S3_SERVER_DIR"; bash tools/postgres/stop.sh "$POSTGRES_SERVER_DIR"' EXIT
node -r @swc-node/register tools/remote-cache/src/cli/with-remote-cache.ts -- npx nx affected -t lint test typecheck --outputStyle=stream
