#!/usr/bin/env bash
# Install Debian's chromium for the end-to-end tests (Playwright's own browser
# download is unreachable offline). Idempotent: does nothing when it is present.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi

run_as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "setup-e2e.sh: installing chromium needs root; run 'apt-get install -y chromium' as root." >&2
    exit 1
  fi
}

run_as_root apt-get update
run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
/usr/bin/chromium --version
