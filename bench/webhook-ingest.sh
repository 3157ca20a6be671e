#!/usr/bin/env bash
# Webhook ingest benchmark: the real server over HTTP at 1, 16 and 64 concurrent connections, and
# the same SQL through pgbench (prepared statements, as the server uses) at the same concurrency,
# interleaved level by level over several rounds so both sides see the same disk and host load.
# Loopback only; bounded in time and count.
# Usage: bench/webhook-ingest.sh   (env: BENCH_PG, BENCH_SECONDS, BENCH_ROUNDS, BENCH_LEVELS, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
PG="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
SECONDS_PER_LEVEL="${BENCH_SECONDS:-10}"
MAX_REQUESTS="${BENCH_MAX_REQUESTS:-50000}"
LEVELS="${BENCH_LEVELS:-1 16 64}"
ROUNDS="${BENCH_ROUNDS:-3}"
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
  "$JAVA" ${BENCH_JAVA_OPTS:-} -jar target/server-agent.jar >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/app.log"; exit 1; }

echo "# machine: $(nproc) CPU ($(lscpu | sed -n 's/^Model name: *//p')), $(free -g | awk '/Mem:/{print $2}') GiB RAM; $(psql "$PG/postgres" -Atc 'select version()' | cut -d, -f1)"
echo "# synchronous_commit=$(psql "$PG/$DB" -Atc 'show synchronous_commit'), fsync=$(psql "$PG/$DB" -Atc 'show fsync'); $ROUNDS rounds of ${SECONDS_PER_LEVEL}s per level and side"
psql "$PG/$DB" -qc "create sequence bench_update_id start 1000000000" >/dev/null

# Warm-up (JIT, pools, prepared statements; not reported): C2 keeps compiling for about 40 s of
# load on 2 cores, so the default is long enough to measure the steady state.
"$JAVA" bench/WebhookLoad.java "http://127.0.0.1:$PORT" "$SECRET" 16 "${BENCH_WARMUP:-40}" 0 200000 1 >/dev/null

# pgbench at concurrency $1: prints "tx/s p50 p99" (ms).
pgbench_level() {
  local c=$1 j=$(( $1 < $(nproc) ? $1 : $(nproc) ))
  rm -f "$WORK"/pgbench_log*
  (cd "$WORK" && pgbench -n -M prepared -c "$c" -j "$j" -T "$SECONDS_PER_LEVEL" -l -f "$ROOT/bench/ingest.sql" "$PG/$DB") > "$WORK/pgbench.out"
  cat "$WORK"/pgbench_log* | awk '{print $3}' | sort -n > "$WORK/lat"
  local n; n=$(wc -l < "$WORK/lat")
  printf "%s %s %s\n" "$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench.out" | head -1)" \
    "$(awk -v n="$n" 'NR==int(n*0.50+0.999){printf "%.2f", $1/1000}' "$WORK/lat")" \
    "$(awk -v n="$n" 'NR==int(n*0.99+0.999){printf "%.2f", $1/1000}' "$WORK/lat")"
}

# Each round: for every level, the app (after 3 s unreported at that level), then pgbench.
next=200001
: > "$WORK/results"
for round in $(seq 1 "$ROUNDS"); do
  for c in $LEVELS; do
    line=$("$JAVA" bench/WebhookLoad.java "http://127.0.0.1:$PORT" "$SECRET" "$c" "$SECONDS_PER_LEVEL" 3 "$MAX_REQUESTS" "$next")
    next=$((next + 3 * MAX_REQUESTS))
    echo "round $round $line"
    app=$(sed -E 's/.* ([0-9]+) updates\/s  p50=([0-9.]+)ms  p99=([0-9.]+)ms.*/\1 \2 \3/' <<<"$line")
    grep -q "errors=0 " <<<"$line" || echo "round $round c=$c: the app answered errors (see above)"
    pg=$(pgbench_level "$c")
    printf "round %s pgbench  c=%-3d %s tx/s  p50=%sms  p99=%sms\n" "$round" "$c" $pg
    echo "$c $app $pg" >> "$WORK/results"
  done
done
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""

# Medians over the rounds, per level and column; the ratio is of the median rates.
echo
echo "| connections | webhook updates/s | webhook p50 | webhook p99 | pgbench tx/s | pgbench p50 | pgbench p99 | webhook / pgbench |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for c in $LEVELS; do
  med() { awk -v c="$c" -v k="$1" '$1==c {print $k}' "$WORK/results" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
  a=$(med 2); ap50=$(med 3); ap99=$(med 4); p=$(med 5); pp50=$(med 6); pp99=$(med 7)
  printf "| %s | %.0f | %s ms | %s ms | %.0f | %s ms | %s ms | %.2f |\n" "$c" "$a" "$ap50" "$ap99" "$p" "$pp50" "$pp99" "$(awk -v a="$a" -v p="$p" 'BEGIN{print a/p}')"
done
