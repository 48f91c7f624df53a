#!/usr/bin/env bash
# Accuracy benchmark: GLOV, its guidance grid and its baselines on the test
# split of each dataset. Writes bench/results/<timestamp>-accuracy/.
#
#   bash scripts/bench-accuracy.sh                     dtd10 + imagenette, 3 steps x 4 candidates, 3 seeds
#   bash scripts/bench-accuracy.sh --datasets all --vlm DIR --steps 20
#   bash scripts/bench-accuracy.sh --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$GLOV_ROOT"
exec node --import tsx bench/accuracy.ts "$@"
