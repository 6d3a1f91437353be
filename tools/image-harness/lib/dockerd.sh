# shellcheck shell=bash
# Step 3: dockerd, with the local registry as its docker.io mirror.

DOCKER_INFO=""
docker_up() { # also records "VERSION|MIRRORS" in DOCKER_INFO
  DOCKER_INFO=$(timeout 10 "$DOCKER" info --format '{{.ServerVersion}}|{{range .RegistryConfig.Mirrors}}{{.}} {{end}}' 2>/dev/null) &&
    [ -n "${DOCKER_INFO%%|*}" ]
}

ensure_daemon_json() { # returns 0 if the file changed
  local f=/etc/docker/daemon.json cur new
  mkdir -p /etc/docker
  cur=$(cat "$f" 2>/dev/null || true)
  [ -n "$cur" ] || cur='{}'
  new=$(jq --arg m "http://$REGISTRY_ADDR" --arg r "$REGISTRY_ADDR" '
    .["registry-mirrors"] = ([$m] + ((.["registry-mirrors"] // []) - [$m]))
    | .["insecure-registries"] = ([$r] + ((.["insecure-registries"] // []) - [$r]))' <<<"$cur") ||
    fail "/etc/docker/daemon.json is not valid JSON" "fix or remove it, then re-run"
  if [ "$(jq -S . <<<"$cur")" = "$(jq -S . <<<"$new")" ] && [ -f "$f" ]; then return 1; fi
  printf '%s\n' "$new" >"$f"
  return 0
}

mirror_active() { docker_up && [[ "${DOCKER_INFO#*|}" == *"$REGISTRY_ADDR"* ]]; }

ensure_dockerd() {
  local changed=0 pid
  if ensure_daemon_json; then changed=1; fi
  if docker_up; then
    if [ $changed = 1 ] || [[ "${DOCKER_INFO#*|}" != *"$REGISTRY_ADDR"* ]]; then
      pid=$(pidfile_pid /var/run/docker.pid)
      if pid_alive "$pid"; then
        say "reloading dockerd (pid $pid) for the registry mirror in /etc/docker/daemon.json…"
        kill -HUP "$pid"
        wait_for 15 mirror_active || warn "dockerd does not report mirror http://$REGISTRY_ADDR; restart it (tools/image-harness/down.sh && up.sh)"
      fi
    fi
    say "dockerd answering"
    return
  fi
  pid=$(pidfile_pid /var/run/docker.pid)
  if pid_alive "$pid"; then
    say "dockerd (pid $pid) is starting; waiting…"
  else
    say "starting dockerd (log $LOG/dockerd.log)…"
    start_daemon dockerd "$LOG/dockerd.log" dockerd
  fi
  wait_for 90 docker_up || fail "dockerd did not answer 'docker info' within 90s" \
    "see $LOG/dockerd.log (cgroups, iptables and overlayfs must be available; a VM or privileged container is needed)"
  mirror_active || warn "dockerd does not report mirror http://$REGISTRY_ADDR (check /etc/docker/daemon.json)"
}
