# shellcheck shell=bash
# Messages, the error trap and process helpers every step of up.sh uses.

say() { printf 'harness: %s\n' "$*"; }
warn() { printf 'harness: WARNING: %s\n' "$*" >&2; }
fail() { # fail MESSAGE [HINT...]
  printf 'harness: ERROR: %s\n' "$1" >&2
  shift
  local l
  for l in "$@"; do printf 'harness:   %s\n' "$l" >&2; done
  exit 1
}

# Any command that fails without a fail() of its own lands here: say where, and what to do.
on_err() {
  local rc=$? file=$1 line=$2 cmd=$3
  printf 'harness: ERROR: unexpected failure (exit %s) at %s line %s: %s\n' "$rc" "$file" "$line" "$cmd" >&2
  printf 'harness:   logs are in %s/; fix the cause and re-run tools/image-harness/up.sh\n' "$LOG" >&2
  exit "$rc"
}

# Root, the state directories, and one up.sh at a time (a second one waits for the first).
prepare_state() {
  [ "$(id -u)" = 0 ] || fail "up.sh must run as root (it installs packages and starts dockerd, a registry and buildkitd)" \
    "run: sudo tools/image-harness/up.sh"
  mkdir -p "$STATE"/{run,log,etc,bin,cache,registry,buildkit,seed} "$RUN_DIR"
  exec 9>"$STATE/run/up.lock"
  if ! flock -n 9; then
    say "another up.sh is running; waiting for it…"
    flock 9
  fi
}

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

stop_pid() { # stop_pid PID SECONDS
  local pid=$1 n=$(($2 * 4))
  kill "$pid" 2>/dev/null || return 0
  while pid_alive "$pid" && [ $n -gt 0 ]; do sleep 0.25; n=$((n - 1)); done
  if pid_alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
}

dpkg_ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }
