#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and property tests, the
# integration tests against SQLite and PostgreSQL (and Redis, SMTP), then
# the web UI: type check, build, Vitest, and end to end in chromium.
#
# PostgreSQL is expected at 127.0.0.1:5432 (user postgres, trust auth), or at
# $LINLI_TEST_POSTGRES_URL. Outside CI a missing PostgreSQL skips those tests
# with a message; with CI=true it fails them.
set -euo pipefail
cd "$(dirname "$0")/.."
# The build stays inside this clone (./target) unless CARGO_TARGET_DIR says otherwise.
target="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Certificate tests render real PDFs with a CJK font.
. scripts/ensure-font.sh
# Mail tests need a real SMTP listener; the end-to-end test a browser.
. scripts/ensure-smtp-listener.sh
. scripts/ensure-browser.sh
# Every temporary file of this run goes into a folder of its own, checked
# after the Rust tests: a test that leaves a file behind fails the run. (Set
# after the installs above: apt's sandboxed user could not use a private
# TMPDIR.)
run_tmp="$(mktemp -d -t linli-run.XXXXXX)"
export TMPDIR="$run_tmp"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
log="$run_tmp/cargo-test.log"
trap 'rm -rf "$run_tmp"' EXIT
set +e
cargo test --workspace --locked 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over every test binary, e.g. "Total: 52 passed, 0 failed".
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;/) p += $(i-1); if ($i ~ /^failed;/) f += $(i-1) } }
     END { printf "Rust total: %d passed, %d failed\n", p, f }' "$log"
[ "$status" -eq 0 ] || exit "$status"
left="$(find "$run_tmp" -mindepth 1 -maxdepth 1 -name 'linli-*' | head -n 20)"
if [ -n "$left" ]; then
  echo "the tests left files in the temp folder:" >&2
  echo "$left" >&2
  exit 1
fi

echo "== web UI: type check and build, unit tests (Vitest)"
./scripts/build-ui.sh --force
(cd frontend && npm test)
echo "== end to end in chromium (playwright-core) against linli serve"
cargo build --locked -p linli --bin linli
(cd frontend && LINLI_BIN="$target/debug/linli" npm run e2e)
# The benchmark is not a timed test: CI runs every scenario for a second
# or two so that it cannot rot (any error or race violation fails it).
echo "== benchmark smoke: scripts/bench.sh --smoke"
backends=(sqlite)
if [ "${CI:-}" = true ] || pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then backends+=(postgres); fi
if [ -d ../shared/bench/flowbench ]; then
  LINLI_BIN="$target/debug/linli" ./scripts/bench.sh --smoke "${backends[@]}"
elif [ "${CI:-}" = true ]; then
  echo "the flow kit ../shared/bench is missing" >&2
  exit 1
else
  echo "(skipped: the flow kit ../shared/bench is not beside this checkout)"
fi
echo "All tests passed."
