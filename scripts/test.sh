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

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
