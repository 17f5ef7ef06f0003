#!/usr/bin/env bash
# Removes containers the container tests/benchmark left behind (names berth-test-*, berth-bench-*) from Berth's
# private store. With --all also the test/bench images and the build cache (the stand-ins stay: --standins too).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/env.sh"
for name in $(podman ps -a --format '{{.Names}}' | grep -E '^berth-(test|bench)-' || true); do
  podman rm -f -t 2 "$name" >/dev/null && echo "clean: removed container $name"
done
case "${1:-}" in
  --all|--standins)
    for img in $(podman images --format '{{.Repository}}:{{.Tag}}' | grep -E '^localhost/berth-(test|bench):' || true); do
      podman rmi -f "$img" >/dev/null && echo "clean: removed image $img"
    done
    buildah prune -f >/dev/null 2>&1 || true
    podman image prune -f >/dev/null
    ;;
esac
if [ "${1:-}" = --standins ]; then
  for img in $(podman images --filter label=berth.standin=true --format '{{.Repository}}:{{.Tag}}'); do
    podman rmi -f "$img" >/dev/null && echo "clean: removed stand-in $img"
  done
  rm -rf "$BERTH_CONTAINERS_DIR/standins"
fi
