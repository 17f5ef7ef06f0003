#!/usr/bin/env bash
# Runs the container suite (tests/container/*.test.ts): builds the root Dockerfile with buildah on stand-in base
# images in Berth's private container storage and checks the hardened run. Needs root + scripts/bootstrap's packages.
# Cold (no stand-ins, empty NuGet cache): ~3-4 min; warm: ~5-50 s (50 s when app/ changed: AOT publish).
# Usage: scripts/containers/test.sh [extra node --test args]   Env: BERTH_CONTAINERS_DIR (private store location).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$root/scripts/node-env"
cd "$root"
exec node --import tsx --test --test-reporter=spec "$@" tests/container/*.test.ts
