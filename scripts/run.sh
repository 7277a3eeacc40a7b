#!/usr/bin/env bash
# Builds the web UI (npm, only when frontend/ changed) and runs Linli on the
# embedded defaults: SQLite in ./data/linli.db, no other services needed (a
# CJK font for certificates is installed if missing and possible). Arguments
# go to `linli serve` (e.g. --demo, --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
# The build stays inside this clone (./target) unless CARGO_TARGET_DIR says otherwise.
target="${CARGO_TARGET_DIR:-target}"
. scripts/ensure-font.sh
if command -v npm >/dev/null 2>&1; then
  ./scripts/build-ui.sh
else
  echo "note: npm not found — serving the API only (install Node.js 20.19+ for the web UI)" >&2
fi
if [ ! -x "$target/release/linli" ]; then
  echo "== 首次启动：正在从源码编译（双核机器约 10–25 分钟，之后几秒即可启动） / first start: compiling from source (10–25 min on 2 cores; later starts take seconds)"
fi
exec cargo run --release --locked -p linli -- serve "$@"
