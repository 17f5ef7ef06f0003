#!/usr/bin/env bash
# Checks that every program the container path runs is present, naming each missing one with the Debian package
# that provides it and who needs it; with --prove, then makes one real hardened `podman run` of a tiny stand-in
# image (a static busybox, from Debian's busybox-static) with a published port, in Berth's private storage.
# scripts/bootstrap runs it last. Exit status: 0 all present (and the run worked), 1 something missing or failing.
# Usage: scripts/containers/check-runtime.sh [--prove]
#
# Why each piece: podman runs containers with conmon + the OCI runtime of env.sh's containers.conf (runc); its
# network backend netavark (env.sh pins it) EXECUTES `iptables` from PATH for every container on a network (without
# it every `podman run` fails with "netavark: No such file or directory (os error 2)"); `--init` (ECS
# initProcessEnabled) bind-mounts catatonit; buildah builds the image; mmdebstrap/skopeo make and inspect stand-ins.
# The lookups below are podman's own: binaries on PATH, helpers in containers.conf's default helper_binaries_dir.
# Only bash builtins are used for the checks, so a test can run this with a PATH that lacks one program.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

helper_dirs=(/usr/local/libexec/podman /usr/local/lib/podman /usr/libexec/podman /usr/lib/podman)
missing=()

need_on_path() { # NAME PACKAGE WHY
  command -v "$1" >/dev/null 2>&1 || missing+=("$1 (Debian package $2): $3")
}
need_helper() { # NAME PACKAGE WHY   (podman's helper_binaries_dir, then PATH)
  local d
  for d in "${helper_dirs[@]}"; do [ -x "$d/$1" ] && return 0; done
  command -v "$1" >/dev/null 2>&1 && return 0
  missing+=("$1 (Debian package $2): $3; looked in ${helper_dirs[*]} and PATH")
}

check_runtime() {
  missing=()
  need_on_path podman podman "runs every container of the container suite and the local stack"
  need_on_path buildah buildah "builds the app image from the Dockerfile"
  need_helper conmon conmon "podman's container monitor"
  need_on_path runc runc "the OCI runtime containers.conf selects (crun fails on hybrid cgroups)"
  need_helper netavark netavark "podman's network backend (env.sh pins it, never CNI)"
  need_helper aardvark-dns aardvark-dns "netavark's DNS server"
  need_on_path iptables iptables "netavark executes it to set up every container network and published port"
  need_helper catatonit catatonit "the init process of podman run --init (ECS initProcessEnabled)"
  need_on_path mmdebstrap mmdebstrap "makes the stand-in SDK base image"
  need_on_path skopeo skopeo "reads the raw image config in the container suite"
  [ -x /bin/busybox ] || missing+=("/bin/busybox (Debian package busybox-static): the static binary of the proof image")
  if [ ${#missing[@]} -gt 0 ]; then
    local m
    echo "check-runtime: the container path is missing ${#missing[@]} piece(s):" >&2
    for m in "${missing[@]}"; do echo "check-runtime:   missing $m" >&2; done
    echo "check-runtime: run scripts/bootstrap (it installs them), or apt-get install the packages named above" >&2
    return 1
  fi
  return 0
}

# One real hardened run: proves podman + runc + conmon + netavark/iptables (bridge network, published port) +
# catatonit (--init) work together. The proof image is cached (stamped with busybox's and this script's hash).
prove_runtime() {
  . "$here/env.sh"
  local stamp image dir out
  stamp=$( (cat "${BASH_SOURCE[0]}" /bin/busybox) | sha256sum | cut -c1-12)
  image="localhost/berth-runtime-proof:$stamp"
  if ! podman image exists "$image" 2>/dev/null; then
    dir=$(mktemp -d "$BERTH_CONTAINERS_DIR/tmp/proof.XXXXXX")
    mkdir -p "$dir/bin" "$dir/etc" "$dir/tmp" && chmod 1777 "$dir/tmp"
    cp /bin/busybox "$dir/bin/busybox"
    printf 'root:x:0:0:root:/:/bin/busybox\n' >"$dir/etc/passwd"
    tar --numeric-owner -C "$dir" -c . | podman import --quiet --change 'LABEL berth.runtime-proof=true' - "$image" >/dev/null \
      || { rm -rf "$dir"; echo "check-runtime: podman import of the proof image failed" >&2; return 1; }
    rm -rf "$dir"
  fi
  if ! out=$(timeout 120 podman run --rm --init --read-only --user 10001:10001 --cap-drop ALL \
      --security-opt no-new-privileges -p 127.0.0.1::8080 "$image" /bin/busybox true 2>&1); then
    echo "check-runtime: a hardened podman run of $image failed:" >&2
    echo "$out" | sed 's/^/check-runtime:   /' >&2
    echo "check-runtime: (podman, conmon, runc, netavark + iptables and catatonit must all work; see scripts/containers/README.md)" >&2
    return 1
  fi
  echo "check-runtime: podman run --init --read-only -p ... of $image: ok" >&2
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  check_runtime || exit 1
  if [ "${1:-}" = --prove ]; then prove_runtime || exit 1; fi
fi
