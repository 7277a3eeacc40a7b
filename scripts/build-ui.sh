#!/usr/bin/env bash
# Builds the web UI into frontend/dist (npm) and checks its bundle budgets
# (frontend/scripts/budget.mjs). Installs its packages first when
# package-lock.json changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/../frontend"
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$major" -lt 20 ]; then
  echo "the web UI needs Node.js 20 or newer (found: $(node -v 2>/dev/null || echo none))" >&2
  exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
# Bundle budgets: the first screen's JavaScript, ECharts only with the dashboard.
node scripts/budget.mjs
