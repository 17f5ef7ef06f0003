#!/usr/bin/env bash
# Source me: points podman/buildah/skopeo at Berth's PRIVATE container storage and config (never /var/lib/containers).
#   . scripts/containers/env.sh
# Writes (idempotently) under ${BERTH_CONTAINERS_DIR:-$HOME/.cache/berth/containers}:
#   containers.conf  runc (crun fails on hybrid cgroups here), netavark (never CNI), default_ulimits = [] (else
#                    setrlimit RLIMIT_NOFILE/NPROC: Operation not permitted)
#   storage.conf     overlay driver (vfs copies the 1 GB SDK into every layer), graphroot/runroot in that folder
# and exports CONTAINERS_CONF, CONTAINERS_STORAGE_CONF, BERTH_CONTAINERS_DIR, BERTH_CONTAINERS_TMPDIR. See scripts/containers/README.md.
BERTH_CONTAINERS_DIR=${BERTH_CONTAINERS_DIR:-$HOME/.cache/berth/containers}
mkdir -p "$BERTH_CONTAINERS_DIR/graph" "$BERTH_CONTAINERS_DIR/run" "$BERTH_CONTAINERS_DIR/tmp"

_berth_write_if_changed() { # path content
  if [ ! -f "$1" ] || [ "$(cat "$1")" != "$2" ]; then printf '%s\n' "$2" >"$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"; fi
}
_berth_write_if_changed "$BERTH_CONTAINERS_DIR/containers.conf" "[containers]
default_ulimits = []
log_driver = \"k8s-file\"

[engine]
runtime = \"runc\"
cgroup_manager = \"cgroupfs\"
events_logger = \"file\"
image_copy_tmp_dir = \"$BERTH_CONTAINERS_DIR/tmp\"

[network]
network_backend = \"netavark\""
_berth_write_if_changed "$BERTH_CONTAINERS_DIR/storage.conf" "[storage]
driver = \"overlay\"
runroot = \"$BERTH_CONTAINERS_DIR/run\"
graphroot = \"$BERTH_CONTAINERS_DIR/graph\""
unset -f _berth_write_if_changed

export BERTH_CONTAINERS_DIR
export CONTAINERS_CONF="$BERTH_CONTAINERS_DIR/containers.conf"
export CONTAINERS_STORAGE_CONF="$BERTH_CONTAINERS_DIR/storage.conf"
# Scratch space next to the store, for buildah (its RUN --mount=type=cache folders, e.g. the NuGet cache, live in
# $TMPDIR/buildah-cache): build-image.sh passes it as TMPDIR to buildah only, not to the caller's shell.
export BERTH_CONTAINERS_TMPDIR="${BERTH_CONTAINERS_TMPDIR:-$BERTH_CONTAINERS_DIR/tmp}"
