#!/usr/bin/env bash
# Dashboard page-time benchmark: every /admin page and /admin/api/* endpoint of the real server
# against a database seeded with 1,000,000 messages (bench/dashboard-seed.sql). Loopback only;
# bounded: BENCH_N sequential requests per page after BENCH_WARMUP unreported ones.
# Usage: bench/dashboard-pages.sh   (env: BENCH_PG, BENCH_N, BENCH_WARMUP, BENCH_PORT, BENCH_SKIP_BUILD)
set -euo pipefail
cd "$(dirname "$0")/.."
PG="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
N="${BENCH_N:-50}"
WARMUP="${BENCH_WARMUP:-60}"
PORT="${BENCH_PORT:-18090}"
DB="sa_dash_bench_$$"
TOKEN="bench-admin-token-0123456789abcdef"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
WORK="$(mktemp -d)"
APP_PID=""

cleanup() {
  if [[ -n "$APP_PID" ]]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
  psql "$PG/postgres" -qc "drop database if exists $DB with (force)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

[[ -n "${BENCH_SKIP_BUILD:-}" ]] || ./mvnw -q package -DskipTests
psql "$PG/postgres" -qc "create database $DB" >/dev/null
# exec: run in the background, the subshell becomes the JVM, so APP_PID is the JVM's and cleanup stops it.
run_app() {
  exec env -i PATH="$PATH" HOME="$WORK" SERVER_AGENT_IGNORE_DOTENV=true LOG_LEVEL=WARN \
    DATABASE_URL="$PG/$DB" DATA_DIR="$WORK/data" PORT="$PORT" BIND_HOST=127.0.0.1 ADMIN_TOKEN="$TOKEN" \
    PROACTIVE_ENABLED=false REACTIVE_WORKERS=0 "$JAVA" -jar target/server-agent.jar "$@"
}
(run_app migrate) >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log"; exit 1; }
start=$(date +%s)
psql "$PG/$DB" -q -f bench/dashboard-seed.sql >/dev/null
echo "# seeded in $(( $(date +%s) - start )) s: $(psql "$PG/$DB" -Atc "select count(*) from chat_messages") messages," \
  "$(psql "$PG/$DB" -Atc "select count(*) from reactive_jobs") jobs, $(psql "$PG/$DB" -Atc "select count(*) from token_ledger") ledger rows," \
  "$(psql "$PG/$DB" -Atc "select count(*) from message_artifacts") artifacts"

run_app >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/app.log"; exit 1; }
curl -fs -c "$WORK/cookies" -o /dev/null -d "token=$TOKEN&next=/admin" "http://127.0.0.1:$PORT/login"

BUSY=$(psql "$PG/$DB" -Atc "select thread_id from chat_messages group by 1 order by count(*) desc limit 1")
OLD=$(psql "$PG/$DB" -Atc "select min(id) + 5000 from chat_messages where thread_id = $BUSY")
PAGES=(
  "/admin" "/admin/conversations" "/admin/conversations?q=zeppelin" "/admin/conversations?q=backup" "/admin/conversations?q=backup&before=500001" "/admin/conversations?q=server" "/admin/api/threads?q=backup"
  "/admin/conversations/$BUSY" "/admin/conversations/$BUSY?before=$OLD"
  "/admin/jobs" "/admin/jobs?status=failed" "/admin/jobs?status=awaiting_approval" "/admin/approvals?status=pending"
  "/admin/runs" "/admin/deployments"
  "/admin/api/threads" "/admin/api/threads/$BUSY/messages" "/admin/api/jobs" "/admin/api/approvals" "/admin/api/ledger"
  "/admin/api/runs" "/admin/api/deployments" "/admin/api/masters" "/metrics")

echo "# machine: $(nproc) CPU ($(lscpu | sed -n 's/^Model name: *//p')), $(psql "$PG/postgres" -Atc 'select version()' | cut -d, -f1)"
echo "# $N sequential requests per page after a warm-up of $WARMUP requests on every page, one keep-alive connection, times as curl's time_total"
echo
echo "| page | p50 ms | p95 ms | max ms | bytes |"
echo "|---|---:|---:|---:|---:|"
# Warm-up over every page first (JIT, pools, plans; not reported), so the first pages measured
# are not the ones paying for it.
for p in "${PAGES[@]}"; do
  url="http://127.0.0.1:$PORT$p"
  args=()
  for _ in $(seq 1 "$WARMUP"); do args+=(-o /dev/null "$url"); done
  curl -fs -b "$WORK/cookies" "${args[@]}"
done
for p in "${PAGES[@]}"; do
  url="http://127.0.0.1:$PORT$p"
  args=()
  for _ in $(seq 1 "$N"); do args+=(-o /dev/null -w '%{time_total} %{size_download}\n' "$url"); done
  curl -fs -b "$WORK/cookies" "${args[@]}" | sort -n > "$WORK/t"
  awk -v page="$p" '{t[NR]=$1*1000; b=$2} END {printf "| `%s` | %.1f | %.1f | %.1f | %d |\n", page, t[int(NR*0.5)], t[int(NR*0.95)], t[NR], b}' "$WORK/t"
done
