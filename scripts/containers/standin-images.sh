#!/usr/bin/env bash
# Makes (or reuses) local STAND-IN base images under the official Microsoft names, so the unchanged root Dockerfile
# builds with `--pull-never` on a machine where no container registry is reachable (scripts/containers/README.md):
#   mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled  chiseled-like: no shell, no package manager; libc,
#                                                               libstdc++, libssl, zlib, CA bundle, user app (1654)
#   mcr.microsoft.com/dotnet/sdk:10.0-noble-aot                 Debian extract + clang/zlib1g-dev + host .NET SDK
#   mcr.microsoft.com/dotnet/sdk:10.0-noble                     same image, second name (bench/Dockerfile.jit)
#   mcr.microsoft.com/dotnet/aspnet:10.0-noble                  runtime-deps stand-in + the host's shared frameworks
#   docker.io/library/python:3.11-slim-bookworm                 Debian's python3.11 (interpreter + standard library),
#                                                               for examples/your-app (only when asked: `python`)
# Proxy workarounds (host CA bundle, NUGET_CERT_REVOCATION_MODE=offline) live ONLY here, never in the Dockerfile.
# An image already present under a name is kept: a real (pulled) image always; a stand-in when its recipe stamp matches.
# BERTH_STANDINS_FORCE=1 rebuilds the stand-ins. Usage: scripts/containers/standin-images.sh [runtime-deps|sdk|aspnet|python]...
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/env.sh"

RUNTIME_DEPS=mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
SDK_AOT=mcr.microsoft.com/dotnet/sdk:10.0-noble-aot
SDK=mcr.microsoft.com/dotnet/sdk:10.0-noble
ASPNET=mcr.microsoft.com/dotnet/aspnet:10.0-noble
PYTHON=docker.io/library/python:3.11-slim-bookworm
DOTNET_HOST_DIR=${DOTNET_HOST_DIR:-/usr/share/dotnet}
SUITE=${BERTH_STANDIN_SUITE:-bookworm}
work="$BERTH_CONTAINERS_DIR/standins"
mkdir -p "$work"

for tool in podman buildah mmdebstrap dpkg-deb apt-get ldconfig; do
  command -v "$tool" >/dev/null || { echo "standin-images: '$tool' not found; run scripts/bootstrap" >&2; exit 1; }
done
[ -x "$DOTNET_HOST_DIR/dotnet" ] || { echo "standin-images: no .NET SDK at $DOTNET_HOST_DIR (DOTNET_HOST_DIR)" >&2; exit 1; }

# The recipe stamp: this script's content + the host SDK/runtime versions. A change rebuilds the stand-ins.
sdk_versions=$(ls "$DOTNET_HOST_DIR/sdk" "$DOTNET_HOST_DIR/shared/Microsoft.AspNetCore.App" 2>/dev/null | tr '\n' ' ')
stamp=$( (cat "${BASH_SOURCE[0]}"; echo "$sdk_versions $SUITE") | sha256sum | cut -c1-16)

now_ms() { date +%s%3N; }
log() { echo "standin-images: $*" >&2; }

# usage: needed NAME -> 0 when NAME must be (re)built
needed() {
  local name=$1 label
  [ "${BERTH_STANDINS_FORCE:-0}" = 1 ] && return 0
  podman image exists "$name" || return 0
  label=$(podman image inspect --format '{{index .Labels "berth.standin.stamp"}}' "$name" 2>/dev/null || true)
  if [ -z "$label" ] || [ "$label" = "<no value>" ]; then log "$name: present and not a stand-in, kept"; return 1; fi
  [ "$label" = "$stamp" ] && { log "$name: stand-in reused"; return 1; }
  log "$name: stand-in recipe changed, rebuilding"; return 0
}

base_files() { # DIR: the files every stand-in needs: users, /tmp 1777, CA bundle (the host's: TLS proxy)
  local d=$1
  mkdir -p "$d/etc" "$d/tmp" "$d/home/app" "$d/etc/ssl/certs" "$d/root"
  chmod 1777 "$d/tmp"
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1654:1654::/home/app:/usr/sbin/nologin\n' >"$d/etc/passwd"
  printf 'root:x:0:\napp:x:1654:\n' >"$d/etc/group"
  chown 1654:1654 "$d/home/app"
  cp -L /etc/ssl/certs/ca-certificates.crt "$d/etc/ssl/certs/ca-certificates.crt"
}

import_dir() { # DIR NAME --change...   (tar of DIR -> image NAME, labelled as a stand-in)
  local d=$1 name=$2; shift 2
  tar --numeric-owner -C "$d" -c . | podman import --quiet \
    --change "LABEL berth.standin.stamp=$stamp" --change "LABEL berth.standin=true" "$@" - "$name" >/dev/null
}

# ---- runtime-deps (chiseled-like) -----------------------------------------------------------------------------
runtime_deps_root="$work/runtime-deps-root"
make_runtime_deps_root() {
  local debs="$work/debs-runtime" d="$runtime_deps_root"
  rm -rf "$d" "$debs"; mkdir -p "$d" "$debs"
  (cd "$debs" && apt-get download -qq -o APT::Sandbox::User=root libc6 libgcc-s1 libstdc++6 libssl3 zlib1g ca-certificates >/dev/null)
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$d"; done
  # Like chiseled: no docs, no shell, no package manager (ca-certificates/tzdata ship scripts we do not need).
  rm -rf "$d/usr/share/doc" "$d/usr/share/man" "$d/usr/share/lintian" "$d/usr/sbin/update-ca-certificates" \
    "$d/usr/share/locale" "$d/etc/ca-certificates" "$d/usr/share/debconf" "$d/usr/lib/x86_64-linux-gnu/gconv"
  base_files "$d"
  ldconfig -r "$d"
  [ ! -e "$d/bin/sh" ] && [ ! -e "$d/usr/bin/sh" ] || { log "runtime-deps root unexpectedly has a shell"; exit 1; }
}
build_runtime_deps() {
  needed "$RUNTIME_DEPS" || return 0
  local t0; t0=$(now_ms)
  make_runtime_deps_root
  import_dir "$runtime_deps_root" "$RUNTIME_DEPS" \
    --change 'ENV APP_UID=1654' --change 'ENV ASPNETCORE_HTTP_PORTS=8080' \
    --change 'ENV DOTNET_RUNNING_IN_CONTAINER=true' --change 'USER 1654'
  log "$RUNTIME_DEPS: built in $(( $(now_ms) - t0 )) ms"
}

# ---- aspnet (framework-dependent runtime, for the benchmark's JIT image) -------------------------------------
build_aspnet() {
  needed "$ASPNET" || return 0
  local t0 d="$work/aspnet-root" debs="$work/debs-aspnet"; t0=$(now_ms)
  [ -d "$runtime_deps_root/lib" ] || make_runtime_deps_root
  rm -rf "$d" "$debs"; mkdir -p "$debs"; cp -a "$runtime_deps_root" "$d"
  (cd "$debs" && apt-get download -qq -o APT::Sandbox::User=root libicu72 >/dev/null)
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$d"; done
  rm -rf "$d/usr/share/doc"
  mkdir -p "$d/usr/share/dotnet" "$d/usr/bin"
  cp -a "$DOTNET_HOST_DIR/dotnet" "$DOTNET_HOST_DIR/host" "$DOTNET_HOST_DIR/LICENSE.txt" "$d/usr/share/dotnet/"
  mkdir -p "$d/usr/share/dotnet/shared"
  cp -a "$DOTNET_HOST_DIR/shared/Microsoft.NETCore.App" "$DOTNET_HOST_DIR/shared/Microsoft.AspNetCore.App" \
    "$d/usr/share/dotnet/shared/"
  ln -sf /usr/share/dotnet/dotnet "$d/usr/bin/dotnet"
  ldconfig -r "$d"
  local ver; ver=$(ls "$DOTNET_HOST_DIR/shared/Microsoft.AspNetCore.App" | sort -V | tail -1)
  import_dir "$d" "$ASPNET" \
    --change 'ENV APP_UID=1654' --change 'ENV ASPNETCORE_HTTP_PORTS=8080' \
    --change 'ENV DOTNET_RUNNING_IN_CONTAINER=true' --change "ENV DOTNET_VERSION=$ver" \
    --change "ENV ASPNET_VERSION=$ver" --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  rm -rf "$d"
  log "$ASPNET: built in $(( $(now_ms) - t0 )) ms"
}

# ---- sdk (AOT-capable: clang + zlib1g-dev) -------------------------------------------------------------------
build_sdk() {
  if ! needed "$SDK_AOT"; then
    podman image exists "$SDK" || podman tag "$SDK_AOT" "$SDK"
    return 0
  fi
  local t0 d="$work/sdk-root"; t0=$(now_ms)
  rm -rf "$d"; mkdir -p "$d"
  # --variant=extract: unpack only (no maintainer scripts), enough for a build container.
  mmdebstrap --quiet --variant=extract \
    --include=dash,bash,coreutils,findutils,grep,sed,tar,gzip,libc-bin,ca-certificates,libicu72,libssl3,zlib1g,clang,lld,zlib1g-dev,binutils \
    "$SUITE" "$d" >&2
  ln -sf dash "$d/bin/sh" 2>/dev/null || ln -sf dash "$d/usr/bin/sh"
  base_files "$d"
  mkdir -p "$d/usr/share" "$d/usr/bin"
  cp -a "$DOTNET_HOST_DIR" "$d/usr/share/dotnet"
  ln -sf /usr/share/dotnet/dotnet "$d/usr/bin/dotnet"
  ldconfig -r "$d"
  local sdkver; sdkver=$(ls "$DOTNET_HOST_DIR/sdk" | sort -V | tail -1)
  # NUGET_CERT_REVOCATION_MODE=offline + host CA bundle: this machine reaches NuGet through a TLS proxy.
  import_dir "$d" "$SDK_AOT" \
    --change 'ENV APP_UID=1654' --change 'ENV ASPNETCORE_HTTP_PORTS=8080' \
    --change 'ENV DOTNET_RUNNING_IN_CONTAINER=true' --change "ENV DOTNET_SDK_VERSION=$sdkver" \
    --change 'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1' --change 'ENV DOTNET_NOLOGO=1' \
    --change 'ENV DOTNET_GENERATE_ASPNET_CERTIFICATE=false' --change 'ENV NUGET_XMLDOC_MODE=skip' \
    --change 'ENV NUGET_CERT_REVOCATION_MODE=offline' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'WORKDIR /'
  podman tag "$SDK_AOT" "$SDK"
  rm -rf "$d"
  log "$SDK_AOT (+ $SDK): built in $(( $(now_ms) - t0 )) ms"
}

# ---- python (examples/your-app: another language than the sample) ----------------------------------------------
# The official python:3.11-slim-bookworm is Debian bookworm with CPython 3.11 in /usr/local; this stand-in unpacks
# Debian's own python3.11 packages (same version, same base) and links python3 on the PATH. No shell, no pip: the
# example's Dockerfile needs neither (COPY, USER, HEALTHCHECK, ENTRYPOINT only).
build_python() {
  needed "$PYTHON" || return 0
  local t0 d="$work/python-root" debs="$work/debs-python"; t0=$(now_ms)
  rm -rf "$d" "$debs"; mkdir -p "$d" "$debs"
  (cd "$debs" && apt-get download -qq -o APT::Sandbox::User=root python3.11-minimal libpython3.11-minimal \
    libpython3.11-stdlib libc6 zlib1g libexpat1 libssl3 libffi8 libbz2-1.0 liblzma5 libuuid1 libcrypt1 \
    media-types ca-certificates >/dev/null)
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$d"; done
  rm -rf "$d/usr/share/doc" "$d/usr/share/man" "$d/usr/share/lintian" "$d/usr/share/locale"
  ln -sf python3.11 "$d/usr/bin/python3"
  base_files "$d"
  ldconfig -r "$d"
  import_dir "$d" "$PYTHON" \
    --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PYTHON_VERSION=3.11' --change 'CMD ["python3"]'
  rm -rf "$d" "$debs"
  log "$PYTHON: built in $(( $(now_ms) - t0 )) ms"
}

want=("$@"); [ ${#want[@]} -gt 0 ] || want=(runtime-deps sdk aspnet)
t_all=$(now_ms)
for w in "${want[@]}"; do
  case "$w" in
    runtime-deps) build_runtime_deps ;;
    sdk) build_sdk ;;
    aspnet) build_aspnet ;;
    python) build_python ;;
    *) echo "standin-images: unknown image '$w' (runtime-deps|sdk|aspnet|python)" >&2; exit 2 ;;
  esac
done
log "done in $(( $(now_ms) - t_all )) ms"
