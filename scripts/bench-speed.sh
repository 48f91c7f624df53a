#!/usr/bin/env bash
# Speed benchmark: generation throughput (steered, unsteered, naive
# reference), step time split, scoring throughput, caches and memory, in one
# process so that the ratios share the machine's conditions.
#
#   bash scripts/bench-speed.sh            full run
#   bash scripts/bench-speed.sh --quick    smaller sizes, for a smoke test
#   bash scripts/bench-speed.sh --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$GLOV_ROOT"
exec node --import tsx bench/speed.ts "$@"
