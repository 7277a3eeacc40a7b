#!/usr/bin/env bash
# scripts/flowbench.sh BIN PORT [DATABASE_URL]: a fresh `linli serve --demo` (a temporary data
# dir; PostgreSQL if DATABASE_URL names an empty database), 200 members and 64 residents made by
# ../shared/bench/setup_accounts.py, then the full loop (16 VU, 15 s, 4-way claim race) and the
# task-hall list (64 connections, 10 s) with ../shared/bench flowbench (built in
# ~/.cache/flowbench-target: cd ../shared/bench/flowbench && CARGO_TARGET_DIR=~/.cache/flowbench-target cargo build --release).
set -e
BIN=$1; PORT=$2; DB=${3:-}
D=$(mktemp -d); FB=$HOME/.cache/flowbench-target/release/flowbench
LINLI_DATA_DIR=$D LINLI_LOG=warn LINLI_FRONTEND_DIR=/nonexistent DATABASE_URL=$DB REDIS_URL= SMTP_URL= $BIN serve --demo --port $PORT > $D/log 2>&1 &
PID=$!
for i in $(seq 1 100); do curl -sf 127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.2; done
cd "$(dirname "$0")/../../shared/bench"
python3 setup_accounts.py http://127.0.0.1:$PORT 200 64 $D/tok.json >/dev/null
python3 make_scenarios.py $D/tok.json $D/loop.json 4
$FB -s $D/loop.json -b http://127.0.0.1:$PORT -c 16 -d 15 -w 2 2>&1 | grep -E "^flows/s|race '"
$FB -s $D/loop-list.json -b http://127.0.0.1:$PORT -c 64 -d 10 -w 1 2>&1 | grep -E "^flows/s"
kill $PID; wait $PID 2>/dev/null || true
rm -rf $D
