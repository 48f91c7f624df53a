#!/usr/bin/env bash
# Run the whole test suite the way CI does: setup, type check, lint, bundle build,
# then every unit, integration and end-to-end test in one node:test run.
#
#   bash scripts/test.sh                 everything
#   bash scripts/test.sh test/unit       only the test files under the given paths
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$GLOV_ROOT"

bash scripts/setup.sh --e2e

echo; echo "== Type check"
npx tsc --noEmit -p tsconfig.json
npx tsc --noEmit -p bench/tsconfig.json

echo; echo "== Lint"
npx eslint .

echo; echo "== Build the main, preload and renderer bundles"
npx electron-vite build

echo; echo "== Tests"
if [ "$#" -gt 0 ]; then
  mapfile -t files < <(find "$@" -name '*.test.ts' | sort)
else
  mapfile -t files < <(find test -name '*.test.ts' | sort)
fi
# One process at a time: the suite loads real models and the machine may have two cores.
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
status=0
node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}" | tee "$report" || status=$?

# A plain closing line that any CI log reader understands.
passed=$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$report" | tail -n 1)
failed=$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$report" | tail -n 1)
echo
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
