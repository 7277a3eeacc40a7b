#!/usr/bin/env bash
# Builds the web UI into frontend/dist (npm) and checks its bundle budgets
# (frontend/scripts/budget.mjs). Installs its packages first when
# package-lock.json changed since the last install. Skips the build when
# nothing under frontend/ changed since the last one (`--force` builds anyway).
set -euo pipefail
cd "$(dirname "$0")/../frontend"
# The locked packages (vite 7) want Node.js 20.19+ or 22.12+; package.json's
# "engines" says the same.
if ! node -e '
  const [a, b] = process.versions.node.split(".").map(Number);
  process.exit((a === 20 && b >= 19) || (a === 22 && b >= 12) || a >= 23 ? 0 : 1)' 2>/dev/null; then
  echo "网页界面需要 Node.js 20.19+ 或 22.12+ / the web UI needs Node.js 20.19+ or 22.12+ (found: $(node -v 2>/dev/null || echo none))" >&2
  exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
stamp=dist/.built
if [ "${1:-}" != --force ] && [ -f "$stamp" ] && [ -f dist/index.html ] \
  && [ -z "$(find . \( -path ./node_modules -o -path ./dist -o -path ./e2e/artifacts \) -prune -o -type f -newer "$stamp" -print -quit)" ]; then
  echo "web UI up to date (frontend/dist) / 网页界面无改动，跳过构建"
  exit 0
fi
npm run build
# Bundle budgets: the first screen's JavaScript, ECharts only with the dashboard.
node scripts/budget.mjs
touch "$stamp"
