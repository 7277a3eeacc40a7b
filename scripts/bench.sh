#!/usr/bin/env bash
# scripts/bench.sh [--smoke] [sqlite] [postgres]
#
# The benchmark in one command: builds a release `linli` and the flow kit's
# load driver (../shared/bench/flowbench), then for each backend starts a
# fresh `linli serve --demo` (SQLite in a temporary data dir; PostgreSQL in a
# new database with Redis under a prefix of its own), makes 200 members and
# 64 residents and logs them in (../shared/bench/setup_accounts.py), and
# runs every scenario against it:
#
#   healthz      GET /healthz, 64 connections: the yardstick of this run
#   categories   GET /api/v1/categories, 64 connections (no authentication)
#   me           GET /api/v1/me, 64 connections (authentication + the account)
#   hall         GET /api/v1/requests?status=open (the task hall), 64 connections
#   loop x1      the full loop, 1 virtual user
#   loop x16     the full loop, 16 virtual users (4 members race for each claim)
#   logins x64   200 real logins, 64 at once (argon2id at full cost)
#   candidates   GET /api/v1/requests/{id}/candidates (matching), 16 connections
#   board        GET /api/v1/honor-board (光荣榜; Redis on the PostgreSQL run), 64 connections
#
# It prints one table: rate, latency, the share of the same run's /healthz,
# the server's resident memory after the scenario and its peak so far
# (VmRSS / VmHWM), errors and race violations.
#
# --smoke runs every scenario for a second or two on small data with the
# debug build (CI does this so the benchmark cannot rot) and fails on any
# error or race violation. Figures go to docs/benchmarks.md with this command.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KIT=${LINLI_BENCH_KIT:-$ROOT/../shared/bench}
SMOKE=0
BACKENDS=()
for a in "$@"; do
  case $a in
    --smoke) SMOKE=1 ;;
    sqlite | postgres) BACKENDS+=("$a") ;;
    *) sed -n '2,24p' "$0"; exit 2 ;;
  esac
done
[ ${#BACKENDS[@]} -gt 0 ] || BACKENDS=(sqlite postgres)
[ -d "$KIT/flowbench" ] || { echo "bench: the flow kit is not at $KIT (set LINLI_BENCH_KIT)" >&2; exit 1; }

# The build stays inside this clone unless CARGO_TARGET_DIR says otherwise.
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
if [ -n "${LINLI_BIN:-}" ]; then
  BIN=$LINLI_BIN
elif [ $SMOKE = 1 ]; then
  cargo build --quiet -p linli --bin linli
  BIN=$TARGET/debug/linli
else
  cargo build --quiet --release -p linli --bin linli
  BIN=$TARGET/release/linli
fi
FB_TARGET=${FLOWBENCH_TARGET_DIR:-$TARGET/flowbench}
(cd "$KIT/flowbench" && CARGO_TARGET_DIR=$FB_TARGET cargo build --quiet --release)
FB=$FB_TARGET/release/flowbench

if [ $SMOKE = 1 ]; then
  MEMBERS=12 RESIDENTS=6 LOGINS=12 READ=1 LOOP=2 WARM=0
else
  MEMBERS=200 RESIDENTS=64 LOGINS=200 READ=10 LOOP=15 WARM=2
fi
PG=${LINLI_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
REDIS=${LINLI_BENCH_REDIS:-redis://127.0.0.1:6379}
WORK=$(mktemp -d)
PID=
DB=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  [ -n "$DB" ] && psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mem() { awk '/^VmRSS|^VmHWM/ { printf "%s=%d ", $1, $2 / 1024 }' "/proc/$PID/status"; }

# run NAME SCENARIO CONCURRENCY [flowbench args…]: one scenario, its report and the memory after it.
run() {
  local name=$1 sc=$2 c=$3
  shift 3
  "$FB" -s "$sc" -b "http://127.0.0.1:$P" -c "$c" -o "$WORK/$B-$name.report.json" "$@" > "$WORK/$B-$name.out" 2>&1 ||
    { cat "$WORK/$B-$name.out"; echo "bench: $name failed on $B" >&2; exit 1; }
  echo "$(mem)" > "$WORK/$B-$name.mem"
  grep -E "^first|^  \[" "$WORK/$B-$name.out" | head -4 || true
}

STRICT=()
[ $SMOKE = 1 ] && STRICT=(--strict)
for B in "${BACKENDS[@]}"; do
  P=$(port)
  D=$WORK/$B
  mkdir -p "$D"
  env=(LINLI_DATA_DIR="$D" LINLI_LOG=warn LINLI_FRONTEND_DIR=/nonexistent SMTP_URL=)
  if [ "$B" = postgres ]; then
    DB=linli_bench_$$
    psql -q "$PG/postgres" -c "CREATE DATABASE $DB" >/dev/null ||
      { echo "bench: PostgreSQL is not reachable at $PG" >&2; exit 1; }
    env+=(DATABASE_URL="$PG/$DB" REDIS_URL="$REDIS" LINLI_REDIS_PREFIX="linli-bench-$$")
  else
    env+=(DATABASE_URL= REDIS_URL=)
  fi
  env "${env[@]}" "$BIN" serve --demo --port "$P" > "$D/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 300); do curl -sf "127.0.0.1:$P/healthz" > /dev/null && break; sleep 0.2; done
  curl -sf "127.0.0.1:$P/healthz" > /dev/null || { tail -20 "$D/server.log"; exit 1; }
  echo "== $B: $MEMBERS members, $RESIDENTS residents" >&2
  python3 "$KIT/setup_accounts.py" "http://127.0.0.1:$P" "$MEMBERS" "$RESIDENTS" "$D/tok.json" > /dev/null
  python3 "$KIT/make_scenarios.py" "$D/tok.json" "$D/loop.json" 4
  python3 "$ROOT/scripts/bench/scenarios.py" "$D/tok.json" "$D"
  echo "$(mem)" > "$WORK/$B-seeded.mem"
  run healthz "$D/healthz.json" 64 -d "$READ" -w "$WARM" "${STRICT[@]}"
  run categories "$D/categories.json" 64 -d "$READ" -w "$WARM" "${STRICT[@]}"
  run me "$D/me.json" 64 -d "$READ" -w "$WARM" "${STRICT[@]}"
  run loop1 "$D/loop.json" 1 -d "$LOOP" -w "$WARM" "${STRICT[@]}"
  run loop16 "$D/loop.json" 16 -d "$LOOP" -w "$WARM" "${STRICT[@]}"
  run hall "$D/loop-list.json" 64 -d "$READ" -w "$WARM" "${STRICT[@]}"
  run logins "$D/logins.json" 64 -n "$LOGINS" "${STRICT[@]}"
  # A pending request to ask candidates for (the loop's requests are all taken).
  RID=$(python3 - "http://127.0.0.1:$P" "$D/tok.json" << 'PY'
import json, sys, urllib.request
t = json.load(open(sys.argv[2]))
req = urllib.request.Request(sys.argv[1] + "/api/v1/requests", method="POST",
    data=json.dumps({"category": "elderly_care", "title": "帮老人买菜", "description": "腿脚不便", "address": "3号楼2单元501"}).encode(),
    headers={"content-type": "application/json", "authorization": "Bearer " + t["res"][0]})
print(json.load(urllib.request.urlopen(req))["id"])
PY
)
  run candidates "$D/candidates.json" 16 -d "$READ" -w "$WARM" --var rid="$RID" "${STRICT[@]}"
  run board "$D/board.json" 64 -d "$READ" -w "$WARM" "${STRICT[@]}"
  kill "$PID"
  wait "$PID" 2> /dev/null || true
  PID=
  if [ -n "$DB" ]; then
    psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB" > /dev/null
    DB=
  fi
done

WHAT="commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
[ -n "${LINLI_BIN:-}" ] && WHAT="$LINLI_BIN"
python3 - "$WORK" "$WHAT" "${BACKENDS[@]}" << 'EOF'
import json, sys
work, commit, backends = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = [("healthz", "GET /healthz (64)"), ("categories", "GET /categories (64)"), ("me", "GET /me (64)"),
        ("hall", "task hall GET /requests?status=open (64)"), ("loop1", "full loop (1 VU)"),
        ("loop16", "full loop (16 VU)"), ("logins", "logins (64 at once)"),
        ("candidates", "candidates GET /requests/{id}/candidates (16)"), ("board", "honor board GET /honor-board (64)")]
def mem(b, n):
    kv = dict(x.split("=") for x in open(f"{work}/{b}-{n}.mem").read().split())
    return int(kv["VmRSS:"]), int(kv["VmHWM:"])
print(f"\n{commit}; rates are req/s (flows/s for the loop); % = share of the same run's /healthz req/s")
print("| backend | scenario | rate | p50 ms | p99 ms | % of healthz | RSS / peak MB | errors | race violations |")
print("|---|---|---|---|---|---|---|---|---|")
for b in backends:
    rss, hwm = mem(b, "seeded")
    print(f"| {b} | seeded (accounts made and logged in) | | | | | {rss} / {hwm} | | |")
    base = json.load(open(f"{work}/{b}-healthz.report.json"))["requests_per_s"]
    for n, label in rows:
        r = json.load(open(f"{work}/{b}-{n}.report.json"))
        loop = n.startswith("loop")
        rate = f"{r['flows_per_s']:,.1f}" if loop else f"{r['requests_per_s']:,.0f}"
        lat = r["request_latency"]
        share = "" if loop or n == "logins" else f"{100 * r['requests_per_s'] / base:.0f} %"
        rss, hwm = mem(b, n)
        print(f"| {b} | {label} | {rate} | {lat['p50_ms']:.2f} | {lat['p99_ms']:.2f} | {share} | {rss} / {hwm} | {r['errors']} | {r['race_violations']} |")
EOF
