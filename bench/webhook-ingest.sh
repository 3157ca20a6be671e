#!/usr/bin/env bash
# Webhook ingest benchmark: the real server over HTTP at 1, 16 and 64 concurrent connections, then
# the same SQL through pgbench at the same concurrency. Loopback only; bounded in time and count.
# Usage: bench/webhook-ingest.sh   (env: BENCH_PG=postgres://postgres@127.0.0.1:5432, BENCH_SECONDS=10)
set -euo pipefail
cd "$(dirname "$0")/.."
PG="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
SECONDS_PER_LEVEL="${BENCH_SECONDS:-10}"
MAX_REQUESTS="${BENCH_MAX_REQUESTS:-50000}"
LEVELS="${BENCH_LEVELS:-1 16 64}"
DB="sa_bench_$$"
PORT="${BENCH_PORT:-18089}"
SECRET="bench-Secret_1"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
WORK="$(mktemp -d)"
APP_PID=""

cleanup() {
  if [[ -n "$APP_PID" ]]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
  psql "$PG/postgres" -qc "drop database if exists $DB with (force)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

ROOT="$(pwd)"
./mvnw -q package -DskipTests
psql "$PG/postgres" -qc "create database $DB" >/dev/null

# The app: webhook mode towards a Telegram that is not there (setWebhook just retries), no models.
# Ingest only (REACTIVE_WORKERS=0) unless BENCH_REACTIVE_WORKERS says otherwise: pgbench runs the
# ingest statements alone, so the app does the same work.
env -i PATH="$PATH" HOME="$WORK" SERVER_AGENT_IGNORE_DOTENV=true LOG_LEVEL=WARN \
  DATABASE_URL="$PG/$DB" DATABASE_POOL_SIZE="${BENCH_POOL:-20}" DATA_DIR="$WORK/data" PORT="$PORT" BIND_HOST=127.0.0.1 \
  TELEGRAM_BOT_TOKEN="1:bench" TELEGRAM_WEBHOOK_SECRET="$SECRET" TELEGRAM_API_URL="http://127.0.0.1:9" \
  PUBLIC_URL="http://127.0.0.1:$PORT" REACTIVE_WORKERS="${BENCH_REACTIVE_WORKERS:-0}" \
  "$JAVA" -jar target/server-agent.jar >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/app.log"; exit 1; }

echo "# machine: $(nproc) CPU ($(lscpu | sed -n 's/^Model name: *//p')), $(free -g | awk '/Mem:/{print $2}') GiB RAM; $(psql "$PG/postgres" -Atc 'select version()' | cut -d, -f1)"
echo "# synchronous_commit=$(psql "$PG/$DB" -Atc 'show synchronous_commit'), fsync=$(psql "$PG/$DB" -Atc 'show fsync')"
# Warm-up (JIT, pools, prepared statements), not reported.
"$JAVA" bench/WebhookLoad.java "http://127.0.0.1:$PORT" "$SECRET" 16 "${BENCH_WARMUP:-5}" "$MAX_REQUESTS" 1 >/dev/null
next=$((MAX_REQUESTS + 2))
for c in $LEVELS; do
  "$JAVA" bench/WebhookLoad.java "http://127.0.0.1:$PORT" "$SECRET" "$c" "$SECONDS_PER_LEVEL" "$MAX_REQUESTS" "$next"
  next=$((next + MAX_REQUESTS + 1))
done
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""

psql "$PG/$DB" -qc "create sequence bench_update_id start 100000000" >/dev/null
for c in $LEVELS; do
  j=$(( c < $(nproc) ? c : $(nproc) ))
  rm -f "$WORK"/pgbench_log*
  (cd "$WORK" && pgbench -n -c "$c" -j "$j" -T "$SECONDS_PER_LEVEL" -l -f "$ROOT/bench/ingest.sql" "$PG/$DB") > "$WORK/pgbench.out"
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench.out" | head -1)
  cat "$WORK"/pgbench_log* | awk '{print $3}' | sort -n > "$WORK/lat"
  n=$(wc -l < "$WORK/lat")
  p50=$(awk -v n="$n" 'NR==int(n*0.50+0.999){printf "%.2f", $1/1000}' "$WORK/lat")
  p99=$(awk -v n="$n" 'NR==int(n*0.99+0.999){printf "%.2f", $1/1000}' "$WORK/lat")
  printf "pgbench  c=%-3d transactions=%-6d %.0f tx/s  p50=%sms  p99=%sms\n" "$c" "$n" "$tps" "$p50" "$p99"
done
