#!/usr/bin/env bash
# scripts/bench/statements.sh [LINLI_BIN]
#
# Counts the SQL statements one full loop sends to PostgreSQL (create,
# publish, a 4-way claim race, start, complete, review, verify): a fresh
# database, a demo server with 8 members and 4 residents, one warm-up flow,
# then `log_statement = all` on that database and one more flow. Prints the
# count; the statements themselves are left in $OUT/statements.txt.
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres) with its log in
# /var/log/postgresql/ (Debian's default), Redis on 127.0.0.1:6379, and the
# flow kit's flowbench built (scripts/bench.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/../.."
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
BIN=${1:-$TARGET/release/linli}
FB=${FLOWBENCH:-$TARGET/flowbench/release/flowbench}
KIT=${LINLI_BENCH_KIT:-$PWD/../shared/bench}
LOG=${PG_LOG:-$(ls -t /var/log/postgresql/postgresql-*.log | head -1)}
DB=linli_statements_$$
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
psql -qh 127.0.0.1 -U postgres -c "CREATE DATABASE $DB"
PID=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2> /dev/null && wait "$PID" 2> /dev/null
  psql -qh 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB" > /dev/null 2>&1 || true
}
trap cleanup EXIT
serve() {
  LINLI_DATA_DIR=$OUT LINLI_LOG=warn LINLI_FRONTEND_DIR=/nonexistent SMTP_URL= \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB REDIS_URL=redis://127.0.0.1:6379 \
    LINLI_REDIS_PREFIX=statements-$$ "$BIN" serve "$@" --port "$PORT" >> "$OUT/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do curl -sf "127.0.0.1:$PORT/healthz" > /dev/null && return; sleep 0.2; done
  echo "statements: the server did not start" >&2
  exit 1
}
serve --demo
python3 "$KIT/setup_accounts.py" "http://127.0.0.1:$PORT" 8 4 "$OUT/tok.json" > /dev/null
python3 "$KIT/make_scenarios.py" "$OUT/tok.json" "$OUT/loop.json" 4
# Log every statement of this database; connections opened from now on see it.
psql -qh 127.0.0.1 -U postgres -c "ALTER DATABASE $DB SET log_statement = 'all'"
kill "$PID"
wait "$PID" 2> /dev/null || true
serve
"$FB" -s "$OUT/loop.json" -b "http://127.0.0.1:$PORT" -c 1 -n 1 > /dev/null # warm-up
FROM=$(wc -l < "$LOG")
"$FB" -s "$OUT/loop.json" -b "http://127.0.0.1:$PORT" -c 1 -n 1 > "$OUT/flow.out"
sleep 0.5
tail -n +$((FROM + 1)) "$LOG" | grep "@$DB " | grep -E "statement: |execute [^:]*: " |
  sed -E 's/^.*(statement|execute [^:]*): //' > "$OUT/statements.txt"
echo "statements in one flow: $(wc -l < "$OUT/statements.txt") ($OUT/statements.txt)"
