#!/usr/bin/env bash
# Starts a real S3-compatible server (MinIO, built from the Go module proxy at
# a pinned version) on loopback for the remote cache's S3 tests, creates a
# bucket, and prints the settings as env lines:
#
#   eval "$(tools/s3-server/start.sh)"
#   (cd go && go test ./apps/cache/...)
#   tools/s3-server/stop.sh "$S3_SERVER_DIR"
#
# Settings (all optional):
#   S3_SERVER_PORT   listen port on 127.0.0.1 (default: a free port)
#   S3_SERVER_BUCKET bucket to create (default: slipway-cache-test)
#   S3_SERVER_BIN    directory for the binary (default:
#                    ${XDG_CACHE_HOME:-$HOME/.cache}/slipway/s3-server/<version>)
#
# The first run compiles MinIO (several minutes on two cores); later runs
# reuse the binary. Nothing is downloaded but Go modules through the
# configured GOPROXY. The data directory is a fresh temporary directory,
# removed by stop.sh. Progress goes to stderr, the env lines to stdout.
set -euo pipefail

# MinIO publishes no semver tags, so the module is pinned by pseudo-version
# (the commit of 2026-02-12 on the master branch; its go.mod has no replace
# directives, so `go install module@version` works).
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c

bucket=${S3_SERVER_BUCKET:-slipway-cache-test}
bindir=${S3_SERVER_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/slipway/s3-server/$MINIO_VERSION}
minio=$bindir/minio

log() { printf 'start.sh: %s\n' "$*" >&2; }

if [[ ! -x $minio ]]; then
  log "building $MINIO_MODULE@$MINIO_VERSION into $bindir (first run only)"
  mkdir -p "$bindir"
  # Outside any module, with a throwaway GOFLAGS, so the caller's go.mod and
  # flags such as -mod=vendor do not interfere.
  (cd / && GOBIN=$bindir GOFLAGS=-trimpath CGO_ENABLED=0 go install "$MINIO_MODULE@$MINIO_VERSION") >&2
fi

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  log "no free port found"
  return 1
}
port=${S3_SERVER_PORT:-$(free_port)}
console_port=$(free_port)

dir=$(mktemp -d "${TMPDIR:-/tmp}/slipway-s3.XXXXXX")
mkdir -p "$dir/data"
access_key=slipway-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
secret_key=$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')

log "starting MinIO on 127.0.0.1:$port (data in $dir/data, log in $dir/server.log)"
MINIO_ROOT_USER=$access_key MINIO_ROOT_PASSWORD=$secret_key \
  MINIO_BROWSER=off MINIO_UPDATE=off MINIO_CI_CD=1 \
  nohup "$minio" server --quiet --address "127.0.0.1:$port" \
  --console-address "127.0.0.1:$console_port" "$dir/data" >"$dir/server.log" 2>&1 &
echo $! >"$dir/server.pid"

endpoint=http://127.0.0.1:$port
for i in $(seq 1 100); do
  if curl -fsS -o /dev/null "$endpoint/minio/health/live" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
    log "MinIO exited:"; cat "$dir/server.log" >&2
    exit 1
  fi
  if [[ $i == 100 ]]; then
    log "MinIO not live after 20s:"; cat "$dir/server.log" >&2
    kill "$(cat "$dir/server.pid")" || true
    exit 1
  fi
  sleep 0.2
done

# CreateBucket with a SigV4-signed request (curl >= 7.75), so no MinIO
# client binary is needed.
curl -fsS -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" --user "$access_key:$secret_key" \
  -o /dev/null "$endpoint/$bucket"
log "bucket $bucket created"

# The server and its version go into the Nx hash of cache:test, the endpoint
# and keys (new every time) do not: a re-run hits the cache.
cat <<EOF
export CACHE_TEST_S3_KIND=minio@$MINIO_VERSION
export CACHE_TEST_S3_ENDPOINT=$endpoint
export CACHE_TEST_S3_ACCESS_KEY=$access_key
export CACHE_TEST_S3_SECRET_KEY=$secret_key
export CACHE_TEST_S3_BUCKET=$bucket
export S3_SERVER_DIR=$dir
EOF
