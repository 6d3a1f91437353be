#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the ledger API's
# PostgreSQL tests, creates a database, and prints the settings as env lines:
#
#   eval "$(bash tools/postgres/start.sh)"
#   npx nx run api:test          # runs the store and server tests on PostgreSQL too
#   bash tools/postgres/stop.sh "$POSTGRES_SERVER_DIR"
#
# Settings (all optional):
#   POSTGRES_PORT  listen port on 127.0.0.1 (default: a free port)
#   POSTGRES_DB    database to create: lowercase letters, digits, _ (default: ledger_test)
#
# PostgreSQL comes from Debian's packages: when no server binaries are found
# under /usr/lib/postgresql, `apt-get install postgresql` runs first (as root,
# or through sudo). The cluster lives in a fresh temporary directory, owned by
# the invoking user, or by the `postgres` user when run as root (initdb
# refuses root), and is removed by stop.sh. It is tuned for tests, not for
# keeping data: fsync is off. Progress goes to stderr, the env lines to stdout.
set -euo pipefail

db=${POSTGRES_DB:-ledger_test}
user=slipway

log() { printf 'postgres/start.sh: %s\n' "$*" >&2; }

# The name goes into SQL and into a URL unquoted.
[[ $db =~ ^[a-z_][a-z0-9_]{0,62}$ ]] ||
  { log "POSTGRES_DB=$db: use lowercase letters, digits and '_' (such as ledger_test)"; exit 2; }
[[ -z ${POSTGRES_PORT:-} || $POSTGRES_PORT =~ ^[0-9]+$ ]] ||
  { log "POSTGRES_PORT=$POSTGRES_PORT: must be a port number"; exit 2; }

# The newest installed server version's binaries (Debian keeps them per
# major version, outside PATH).
server_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

bindir=$(server_bindir)
if [[ -z $bindir || ! -x $bindir/initdb ]]; then
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { log "PostgreSQL is not installed: run as root, or apt-get install postgresql"; exit 1; }
    # -n: fail at once rather than wait for a password nobody will type (CI).
    sudo=(sudo -n)
  fi
  log "installing PostgreSQL from Debian's packages (apt-get install postgresql)"
  { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2; } ||
    { log "could not install PostgreSQL: run apt-get install postgresql as root, then this script again"; exit 1; }
  bindir=$(server_bindir)
  [[ -n $bindir && -x $bindir/initdb ]] || { log "apt-get installed no server binaries under /usr/lib/postgresql"; exit 1; }
fi

# Run the server as the invoking user, or as `postgres` when that is root.
as=()
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  as=(runuser -u postgres --)
fi

# A port the kernel hands out as free (Node is there: the workspace needs it).
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}
port=${POSTGRES_PORT:-$(free_port)}

dir=$(mktemp -d "${TMPDIR:-/tmp}/slipway-postgres.XXXXXX")
chmod 755 "$dir"
# A start that fails half-way leaves no server or directory behind.
abandon() {
  if [[ -f $dir/data/postmaster.pid ]]; then
    "${as[@]}" "$bindir/pg_ctl" --pgdata="$dir/data" --mode=immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap abandon EXIT
trap 'exit 130' INT TERM HUP # run abandon on these too
password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
(umask 077 && printf '%s\n' "$password" >"$dir/pwfile")
if [[ ${#as[@]} -gt 0 ]]; then
  chown -R postgres "$dir"
  "${as[@]}" test -w "$dir" ||
    { log "the postgres user cannot reach $dir: set TMPDIR to a directory every user may enter, such as /tmp"; exit 1; }
fi

log "initializing a cluster in $dir/data ($("$bindir/postgres" --version))"
"${as[@]}" "$bindir/initdb" --pgdata="$dir/data" --username="$user" --pwfile="$dir/pwfile" \
  --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$dir/pwfile"

log "starting PostgreSQL on 127.0.0.1:$port (log in $dir/server.log)"
"${as[@]}" "$bindir/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >&2 || { cat "$dir/server.log" >&2; exit 1; }

psql_bin=$bindir/psql
[[ -x $psql_bin ]] || psql_bin=$(command -v psql)
"${as[@]}" "$psql_bin" --quiet --no-psqlrc --host="$dir" --port="$port" --username="$user" --dbname=postgres \
  --set=ON_ERROR_STOP=1 --command="CREATE DATABASE $db" >&2
log "database $db created"
trap - EXIT INT TERM HUP

# The kind and major version go into the Nx hash of api:test, the URL (a new
# port and password every time) does not: a re-run hits the cache.
major=$(basename "$(dirname "$bindir")")
cat <<ENV
export API_TEST_DATABASE_URL=postgres://$user:$password@127.0.0.1:$port/$db?sslmode=disable
export API_TEST_DATABASE_KIND=postgres-$major
export POSTGRES_SERVER_DIR=$dir
ENV
