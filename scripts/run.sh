#!/usr/bin/env bash
# Runs Linli on the embedded defaults: SQLite in ./data/linli.db, no other
# services needed (a CJK font for certificates is installed if missing and
# possible). Arguments go to `linli serve` (e.g. --demo, --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/linli-target}"
. scripts/ensure-font.sh
exec cargo run --release --locked -p linli -- serve "$@"
