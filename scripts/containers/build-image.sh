#!/usr/bin/env bash
# Builds the app image from a Dockerfile with buildah into Berth's private container storage, on the stand-in
# base images (made or reused by standin-images.sh; --pull-never), the way CI/the tests/the benchmark do here.
# Usage: scripts/containers/build-image.sh [-f DOCKERFILE] [-t TAG] [--standins LIST] [--no-cache] [--context DIR]
#   --context DIR: build context (default: the repository root), e.g. a `git archive` of one commit.
#   env GIT_SHA (default: git HEAD or 0000...), VERSION (default 0.0.0-local), SOURCE_URL (default: git remote or
#   https://github.com/berth/berth), SOURCE_DATE_EPOCH (default: HEAD's commit time, seconds since the epoch),
#   BUILD_TIME (default: SOURCE_DATE_EPOCH as UTC ISO 8601); BERTH_SKIP_STANDINS=1 to not touch the base images.
# Reproducible: `buildah bud --timestamp $SOURCE_DATE_EPOCH` gives every file in the new layers and the image config
# that time, and the config's per-build values (container ID, hostname, parent) are removed after the build (see
# normalize_docker_config), so the same commit and build args give the same image digest
# (tests/container/reproducible.test.ts).
# --no-cache: no layer cache (a build from scratch; the NuGet package cache mount stays).
# Prints the image ID on stdout, timings on stderr.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/env.sh"

dockerfile=Dockerfile tag=localhost/berth:dev standins="runtime-deps sdk" cache=(--layers) context=.
while [ $# -gt 0 ]; do
  case "$1" in
    -f) dockerfile=$2; shift 2 ;;
    -t) tag=$2; shift 2 ;;
    --standins) standins=$2; shift 2 ;;
    --no-cache) cache=(--no-cache); shift ;;
    --context) context=$2; shift 2 ;;
    *) echo "build-image: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
cd "$root"
[ -f "$dockerfile" ] || { echo "build-image: no $dockerfile in $root" >&2; exit 1; }
command -v buildah >/dev/null || { echo "build-image: buildah not found; run scripts/bootstrap" >&2; exit 1; }

GIT_SHA=${GIT_SHA:-$(git rev-parse HEAD 2>/dev/null || echo 0000000000000000000000000000000000000000)}
VERSION=${VERSION:-0.0.0-local}
SOURCE_URL=${SOURCE_URL:-$(git remote get-url origin 2>/dev/null || echo https://github.com/berth/berth)}
# Default: the commit time of HEAD, not "now": a build arg that changes on every build busts buildah's layer cache
# for every RUN after its ARG (here: the whole AOT publish), and a commit-derived time keeps builds reproducible.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
BUILD_TIME=${BUILD_TIME:-$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)}

t0=$(date +%s%3N)
if [ "${BERTH_SKIP_STANDINS:-0}" != 1 ]; then
  # shellcheck disable=SC2086
  "$here/standin-images.sh" $standins
fi
t1=$(date +%s%3N)
# --format docker: OCI format drops HEALTHCHECK. --force-rm: no mounted leftovers after a failed build.
# --platform: sets TARGETARCH (the Dockerfile publishes with -a $TARGETARCH).
TMPDIR="$BERTH_CONTAINERS_TMPDIR" buildah bud --format docker "${cache[@]}" --force-rm --pull-never --platform linux/amd64 \
  --timestamp "$SOURCE_DATE_EPOCH" \
  --build-arg GIT_SHA="$GIT_SHA" --build-arg VERSION="$VERSION" --build-arg SOURCE_URL="$SOURCE_URL" \
  --build-arg SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" --build-arg BUILD_TIME="$BUILD_TIME" \
  -f "$dockerfile" -t "$tag" "$context" >&2
# buildah 1.28 writes values into a docker-format config that differ on every build even with --timestamp:
# "container" (the build container's random ID), config/container_config "Hostname" (a random 12-hex name when
# the base image sets none), and "parent" (the previous step's image, whose config carries the same random values
# when --layers commits one per step). buildah >= 1.41 drops them under --timestamp/--source-date-epoch (commit
# 2d0152e99 "build: --source-date-epoch/--timestamp use static hostname/cid": Hostname "sandbox", no container;
# image.go sets "parent" only with --compat-set-parent). Do the same here: rewrite the config, point the manifest
# at it and store it under the same tag; the layers are untouched. The old image is removed when nothing else
# names it.
normalize_docker_config() { # tag
  local dir old node changed
  node=$(. "$root/scripts/node-env" && command -v node) || { echo "build-image: node not found; run scripts/bootstrap" >&2; exit 1; }
  old=$(podman image inspect --format '{{.Id}}' "$1")
  dir=$(mktemp -d "$BERTH_CONTAINERS_TMPDIR/normalize-XXXXXX")
  skopeo copy -q --preserve-digests "containers-storage:$1" "dir:$dir"
  # Prints "changed" when it rewrote the config (file named by its sha256) and the manifest's config descriptor.
  changed=$("$node" -e '
    const fs = require("fs"), path = require("path"), crypto = require("crypto");
    const dir = process.argv[1], manifestFile = path.join(dir, "manifest.json");
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
    const oldFile = path.join(dir, manifest.config.digest.replace(/^sha256:/, ""));
    const config = JSON.parse(fs.readFileSync(oldFile, "utf8"));
    if (!config.container_config) process.exit(0); // not a docker-format config
    delete config.container; delete config.parent;
    for (const c of [config.config, config.container_config]) if (c) { c.Hostname = "sandbox"; c.Domainname = ""; }
    const bytes = Buffer.from(JSON.stringify(config));
    const digest = crypto.createHash("sha256").update(bytes).digest("hex");
    if ("sha256:" + digest === manifest.config.digest) process.exit(0);
    fs.rmSync(oldFile);
    fs.writeFileSync(path.join(dir, digest), bytes);
    manifest.config.digest = "sha256:" + digest;
    manifest.config.size = bytes.length;
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    process.stdout.write("changed");
  ' "$dir")
  if [ "$changed" = changed ]; then
    skopeo copy -q --preserve-digests "dir:$dir" "containers-storage:$1"
    [ -n "$(podman image inspect --format '{{join .RepoTags ","}}' "$old" 2>/dev/null)" ] || podman rmi "$old" >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
normalize_docker_config "$tag"
t2=$(date +%s%3N)
id=$(podman image inspect --format '{{.Id}}' "$tag")
size=$(podman image inspect --format '{{.Size}}' "$tag")
echo "build-image: $tag ($dockerfile, GIT_SHA=$GIT_SHA) stand-ins $((t1 - t0)) ms, build $((t2 - t1)) ms, $((size / 1000000)) MB" >&2
echo "$id"
