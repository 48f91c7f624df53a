#!/usr/bin/env bash
# Set up, then run a short guided GLOV run on the DTD texture subset with the default models:
# 5 steps of 8 candidates, fitness on 1 image per class, test accuracy next to the
# "a photo of a {c}." baseline. Extra arguments go to `glov optimize` and override these.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$GLOV_ROOT"

bash scripts/setup.sh

dataset="$(realpath -m "${GLOV_DEMO_DATASET:-$GLOV_ROOT/../shared/datasets/dtd10}")"

# No package registry ships real CLIP weights, so without a CLIP export in models/clip/default
# the demo scores with the tiny CLIP of the test fixtures. That model exercises the whole
# pipeline, but its accuracies carry no meaning.
vlm="default"
if [ ! -d models/clip/default ]; then
  vlm="$GLOV_ROOT/test/fixtures/tiny-clip"
  echo
  echo "NOTE: no CLIP export at models/clip/default; scoring with the tiny test CLIP ($vlm)."
  echo "      Its accuracies are not meaningful. Put a real export there, or pass --vlm DIR."
  echo
fi

exec bin/glov optimize \
  --dataset "$dataset" \
  --name DTD \
  --vlm "$vlm" \
  --steps 5 \
  --candidates 8 \
  --guidance faithful \
  --db "${GLOV_DB:-$GLOV_ROOT/.cache/demo.sqlite}" \
  "$@"
