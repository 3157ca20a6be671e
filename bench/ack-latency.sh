#!/usr/bin/env bash
# Acknowledgement overhead of the reactive loop: webhook POST received -> the acknowledgement's
# sendMessage at a fake Telegram, with a fake Haiku answering at once. Open loop at each rate, every
# message from a new Master chat. The real jar on a throw-away database of the local Postgres;
# loopback only; bounded in count and time; the database is dropped at exit.
# Usage: bench/ack-latency.sh
#   env: ACK_RATES="1 50" (messages/s), ACK_SECONDS=60 (per rate), ACK_WARMUP=10 (s at 10/s, not reported),
#        ACK_GRACE=150 (s to wait for acks after the last send), ACK_RAW_DIR (keep per-message CSVs there),
#        ACK_KEEP_DB=1 (keep the database for inspection), BENCH_PG=postgres://postgres@127.0.0.1:5432, ACK_PORT=18091 (app; fakes on +1, +2),
#        ACK_CONSOLE_ROUNDS=200 (closed-loop rounds of one console and one Telegram message after the rates; 0 skips them)
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
PG="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
RATES="${ACK_RATES:-1 50}"
SECS="${ACK_SECONDS:-60}"
WARMUP="${ACK_WARMUP:-10}"
GRACE="${ACK_GRACE:-150}"
PORT="${ACK_PORT:-18091}"; TG_PORT=$((PORT + 1)); AN_PORT=$((PORT + 2))
TOKEN="1:bench"; SECRET="bench-Secret_1"
DB="sa_bench_ack_$$"
WORK="$(mktemp -d)"
RAW="${ACK_RAW_DIR:-$WORK}"; mkdir -p "$RAW"
JAR=target/server-agent.jar
PIDS=()

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "${ACK_KEEP_DB:-}" ]; then echo "# kept database $DB (drop it yourself)"
  else psql "$PG/postgres" -qXc "drop database if exists $DB with (force)" >/dev/null 2>&1 || true; fi
  [ -n "${ACK_KEEP_LOG:-}" ] && cp "$WORK/app.log" "$ACK_KEEP_LOG"
  rm -rf "$WORK"
}
trap cleanup EXIT

[ -f "$JAR" ] || ./mvnw -q package -DskipTests
psql "$PG/postgres" -qXc "create database $DB" >/dev/null

# Chats: warm-up from 100000000, rate level k from 100000000 + k*1000000; all of them are Masters.
CONSOLE_ROUNDS="${ACK_CONSOLE_ROUNDS:-200}"
ADMIN="bench-admin-token-0123456789abcdef"
ranges=("100000000 $((100000000 + 10 * WARMUP - 1))" "99000000 $((99000000 + CONSOLE_ROUNDS))")
k=1
for r in $RATES; do
  n=$(awk -v r="$r" -v s="$SECS" 'BEGIN{printf "%d", r*s + 0.5}')
  ranges+=("$((100000000 + k * 1000000)) $((100000000 + k * 1000000 + n - 1))"); k=$((k + 1))
done
MASTERS=$(for rg in "${ranges[@]}"; do seq $rg; done | paste -sd,)
lifetime=$(( 60 + WARMUP + GRACE + $(echo $RATES | wc -w) * (SECS + GRACE + 10) + CONSOLE_ROUNDS ))

"$JAVA" -cp "$JAR" bench/ack/FakeTelegram.java "$TG_PORT" "$TOKEN" "$lifetime" >"$WORK/telegram.log" 2>&1 & PIDS+=($!)
"$JAVA" -cp "$JAR" bench/ack/FakeAnthropic.java "$AN_PORT" "$lifetime" >"$WORK/anthropic.log" 2>&1 & PIDS+=($!)
env -i PATH="$PATH" HOME="$WORK" SERVER_AGENT_IGNORE_DOTENV=true LOG_LEVEL=WARN \
  DATABASE_URL="$PG/$DB" DATA_DIR="$WORK/data" PORT="$PORT" BIND_HOST=127.0.0.1 \
  TELEGRAM_BOT_TOKEN="$TOKEN" TELEGRAM_WEBHOOK_SECRET="$SECRET" TELEGRAM_API_URL="http://127.0.0.1:$TG_PORT" \
  PUBLIC_URL="http://127.0.0.1:$PORT" MASTER_CHAT_IDS="$MASTERS" ADMIN_TOKEN="$ADMIN" \
  ANTHROPIC_API_KEY="sk-ant-bench" ANTHROPIC_BASE_URL="http://127.0.0.1:$AN_PORT" \
  APPROVAL_POLICY=always PROACTIVE_ENABLED=false \
  timeout "$lifetime" "$JAVA" -jar "$JAR" >"$WORK/app.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/app.log"; exit 1; }
for _ in $(seq 1 40); do grep -q '^setwebhook ' <(curl -fs "http://127.0.0.1:$TG_PORT/bench/stats") && break; sleep 0.5; done

echo "# machine: $(nproc) CPU ($(lscpu | sed -n 's/^Model name: *//p')), $(free -g | awk '/Mem:/{print $2}') GiB RAM; $(psql "$PG/postgres" -Atc 'select version()' | cut -d, -f1); $("$JAVA" -version 2>&1 | head -1)"
echo "# masters: $(echo "$MASTERS" | tr ',' '\n' | wc -l) chat ids (${#MASTERS} characters); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
LOAD=("$JAVA" bench/ack/AckLoad.java "http://127.0.0.1:$PORT" "$SECRET" "http://127.0.0.1:$TG_PORT" "http://127.0.0.1:$AN_PORT")
"${LOAD[@]}" 10 "$WARMUP" 100000000 "$GRACE" >"$WORK/warmup.txt"  # JIT, pools, prepared statements: not reported
k=1
for r in $RATES; do
  "${LOAD[@]}" "$r" "$SECS" $((100000000 + k * 1000000)) "$GRACE" "$RAW/ack-rate-$r.csv"
  echo "  (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
  k=$((k + 1))
done
if [ "$CONSOLE_ROUNDS" -gt 0 ]; then
  "$JAVA" bench/ack/ConsoleAckLoad.java "http://127.0.0.1:$PORT" "$ADMIN" "$SECRET" "http://127.0.0.1:$TG_PORT" "$CONSOLE_ROUNDS" 99000000
fi
echo "# fake telegram calls: $(curl -fs "http://127.0.0.1:$TG_PORT/bench/stats" | sort | paste -sd' ')"
if grep -E ' (WARN|ERROR) ' "$WORK/app.log" >/dev/null; then
  echo "# app warnings/errors (first 5):"; grep -E ' (WARN|ERROR) ' "$WORK/app.log" | head -5
fi
