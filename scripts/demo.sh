#!/usr/bin/env bash
# Set up, then run a short guided GLOV run on the DTD texture subset with the default models:
# 5 steps of 8 candidates, fitness on 1 image per class, test accuracy next to the
# "a photo of a {c}." baseline. Extra arguments go to `glov optimize` and override these.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$GLOV_ROOT"

bash scripts/setup.sh

dataset="${GLOV_DEMO_DATASET:-$GLOV_ROOT/../shared/datasets/dtd10}"
exec bin/glov optimize \
  --dataset "$dataset" \
  --name DTD \
  --description "Describable Textures: close-up photos of surface textures such as banded, braided, cracked or crystalline patterns." \
  --steps 5 \
  --candidates 8 \
  --guidance faithful \
  "$@"
