# shellcheck shell=bash
# Step 2: Debian's docker-registry on 127.0.0.1:5000, the docker.io mirror of dockerd and BuildKit.

registry_up() { curl -fsS -o /dev/null --max-time 2 "http://$REGISTRY_ADDR/v2/" 2>/dev/null; }

ensure_registry() {
  if registry_up; then
    say "registry answering on $REGISTRY_ADDR"
    return
  fi
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$REGISTRY_ADDR/v2/" || true)
  if [ -n "$code" ] && [ "$code" != 000 ]; then
    fail "something on $REGISTRY_ADDR answers /v2/ with HTTP $code (auth or not a registry)" \
      "stop it (ss -ltnp 'sport = :5000' shows who) and re-run; the harness needs an open registry there"
  fi
  cat >"$STATE/etc/registry.yml" <<EOF
# written by tools/image-harness/up.sh
version: 0.1
log:
  level: warn
  fields:
    service: slipway-harness-registry
storage:
  filesystem:
    rootdirectory: $STATE/registry
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $REGISTRY_ADDR
  headers:
    X-Content-Type-Options: [nosniff]
EOF
  say "starting registry on $REGISTRY_ADDR (storage $STATE/registry)…"
  start_daemon registry "$LOG/registry.log" docker-registry serve "$STATE/etc/registry.yml"
  wait_for 30 registry_up || fail "registry did not come up on $REGISTRY_ADDR within 30s" \
    "see $LOG/registry.log (port taken? try: ss -ltnp 'sport = :5000')"
}

REG_ACCEPT='application/vnd.oci.image.index.v1+json,application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json'
registry_key() { # registry_key REPO TAG: the stand-in key label of REPO:TAG in the local registry
  local m d cfg
  m=$(curl -fsS --max-time 5 -H "Accept: $REG_ACCEPT" "http://$REGISTRY_ADDR/v2/$1/manifests/$2" 2>/dev/null) || return 0
  if jq -e '.manifests' >/dev/null 2>&1 <<<"$m"; then
    d=$(jq -r '[.manifests[] | select(.platform.os == "linux" and .platform.architecture == "amd64")][0].digest // empty' <<<"$m")
    [ -n "$d" ] || return 0
    m=$(curl -fsS --max-time 5 -H "Accept: $REG_ACCEPT" "http://$REGISTRY_ADDR/v2/$1/manifests/$d" 2>/dev/null) || return 0
  fi
  cfg=$(jq -r '.config.digest // empty' <<<"$m")
  [ -n "$cfg" ] || return 0
  curl -fsS --max-time 10 "http://$REGISTRY_ADDR/v2/$1/blobs/$cfg" 2>/dev/null |
    jq -r '.config.Labels["dev.slipway.stand-in.key"] // empty' 2>/dev/null || true
}
