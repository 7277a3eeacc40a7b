#!/usr/bin/env bash
# Builds the web UI into frontend/dist (npm). Installs its packages first
# when package-lock.json changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/../frontend"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
