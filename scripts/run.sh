#!/usr/bin/env bash
# Builds the web UI (npm) and runs Linli on the embedded defaults: SQLite in
# ./data/linli.db, no other services needed (a CJK font for certificates is
# installed if missing and possible). Arguments go to `linli serve` (e.g.
# --demo, --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/linli-target}"
. scripts/ensure-font.sh
if command -v npm >/dev/null 2>&1; then
  ./scripts/build-ui.sh
else
  echo "note: npm not found — serving the API only (install Node.js 20+ for the web UI)" >&2
fi
exec cargo run --release --locked -p linli -- serve "$@"
