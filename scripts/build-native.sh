#!/usr/bin/env bash
# Build native/build/glov_guidance.node, the control-vector and hidden-state hook.
#
# Offline: llama.h comes from the llama.cpp source bundle that node-llama-cpp ships
# (node_modules/node-llama-cpp/llama/gitRelease.bundle), Node-API headers from the project's Node 22
# and node-addon-api. The addon links no llama.cpp library; it resolves symbols at run time from the
# libllama that node-llama-cpp loaded, so one build serves its CPU, CUDA and Vulkan binaries.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$GLOV_ROOT"

BUILD_DIR=native/build
LLAMA_SRC="$BUILD_DIR/llama-src"
BUNDLE=node_modules/node-llama-cpp/llama/gitRelease.bundle
NODE_INCLUDE="$(dirname "$(dirname "$(command -v node)")")/include/node"
ADDON_API="$(node -p "require('node-addon-api').include_dir")"

mkdir -p "$BUILD_DIR"
if [ ! -f "$LLAMA_SRC/include/llama.h" ]; then
  rm -rf "$LLAMA_SRC"
  git -c advice.detachedHead=false clone --quiet "$BUNDLE" "$LLAMA_SRC"
fi

${CXX:-g++} -std=c++17 -O2 -fPIC -shared -Wall -Wextra -Wno-unused-parameter \
  -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED \
  -I"$NODE_INCLUDE" -I"$ADDON_API" -I"$LLAMA_SRC/include" -I"$LLAMA_SRC/ggml/include" \
  native/src/glov_guidance.cc -o "$BUILD_DIR/glov_guidance.node" -ldl
echo "built $BUILD_DIR/glov_guidance.node"
