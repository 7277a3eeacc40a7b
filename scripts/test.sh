#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and property tests, and the
# integration tests against SQLite and PostgreSQL.
#
# PostgreSQL is expected at 127.0.0.1:5432 (user postgres, trust auth), or at
# $LINLI_TEST_POSTGRES_URL. Outside CI a missing PostgreSQL skips those tests
# with a message; with CI=true it fails them.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/linli-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Certificate tests render real PDFs with a CJK font.
. scripts/ensure-font.sh
# Mail tests need a real SMTP listener.
. scripts/ensure-smtp-listener.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --locked 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over every test binary, e.g. "Total: 52 passed, 0 failed".
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;/) p += $(i-1); if ($i ~ /^failed;/) f += $(i-1) } }
     END { printf "Total: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
