#!/usr/bin/env bash
# Benchmark (not a test): the Native AOT image before (BENCH_BASE, default ca42414) and after (work tree), one run. See bench/image.ts.
# Needs root, podman, buildah, wrk (scripts/bootstrap). Private container storage: scripts/containers/env.sh.
# Env: BENCH_BASE (ca42414), BENCH_JIT=1 (adds the JIT image), BENCH_MEMORY (64m), BENCH_CPUS (0.5), BENCH_STARTS (5), BENCH_WRK_SECONDS (10), BENCH_WRK_CONNECTIONS (32), BENCH_SKIP_BUILD=1 (reuse images).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/node-env"
. "$root/scripts/containers/env.sh"
cd "$root"
exec node --import tsx bench/image.ts "$@"
