#!/usr/bin/env bash
# Soak: SOAK_MINUTES of mixed webhook traffic against the real jar, with fakes for every peer on
# loopback (Telegram Bot API + file downloads, Anthropic Messages API for classification and image
# description, an OpenAI-compatible transcription endpoint, the Claude Code CLI), on a throw-away
# database of the local Postgres (dropped at exit). Then, after the queue has drained, it checks that
# nothing was lost or done twice and that memory stayed flat; exit 1 when a check fails.
# Usage: bench/soak.sh
#   env: SOAK_MINUTES=10, SOAK_RATE=6 (actions/s; OK presses and second deliveries come on top),
#        SOAK_GRACE=240 (s to wait for the queue to drain), SOAK_MASTERS=20 (2 of them "slow"), SOAK_STRANGERS=5,
#        SOAK_PORT=18095 (app; fakes on +1, +2), SOAK_KEEP_DIR (keep sent.tsv, rss.tsv, app.log there),
#        SOAK_KEEP_DB=1, BENCH_PG=postgres://postgres@127.0.0.1:5432
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
PG="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
MINUTES="${SOAK_MINUTES:-10}"; LOAD_SECS=$((MINUTES * 60))
RATE="${SOAK_RATE:-6}"
GRACE="${SOAK_GRACE:-240}"
PORT="${SOAK_PORT:-18095}"; TG_PORT=$((PORT + 1)); MD_PORT=$((PORT + 2))
TOKEN="1:soak"; SECRET="soak-Secret_1"
DB="sa_soak_$$"
WORK="$(mktemp -d)"
JAR=target/server-agent.jar
PIDS=()
lifetime=$((LOAD_SECS + GRACE + 240))

cleanup() {
  touch "$WORK/stop"
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "${SOAK_KEEP_DB:-}" ]; then echo "# kept database $DB (drop it yourself)"
  else psql "$PG/postgres" -qXc "drop database if exists $DB with (force)" >/dev/null 2>&1 || true; fi
  if [ -n "${SOAK_KEEP_DIR:-}" ]; then mkdir -p "$SOAK_KEEP_DIR"; cp "$WORK"/*.tsv "$WORK"/*.log "$WORK"/*.txt "$SOAK_KEEP_DIR"/ 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "# soak.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR

[ -f "$JAR" ] || ./mvnw -q package -DskipTests
psql "$PG/postgres" -qXc "create database $DB" >/dev/null
sql() { psql "$PG/$DB" -AtXq -F ' ' -c "$1"; }

# Private chats: Masters from 910000001 (the first two are "slow": every message names the slow
# Claude Code scenario), strangers from 920000001. Chat id = user id.
MASTERS=$(seq 910000001 $((910000000 + ${SOAK_MASTERS:-20})) | paste -sd,)
SLOW=$(echo "$MASTERS" | cut -d, -f1-2)
STRANGERS=$(seq 920000001 $((920000000 + ${SOAK_STRANGERS:-5})) | paste -sd,)

"$JAVA" -cp "$JAR" bench/soak/SoakTelegram.java "$TG_PORT" "$TOKEN" "$lifetime" >"$WORK/telegram.log" 2>&1 & PIDS+=($!)
"$JAVA" -cp "$JAR" bench/soak/SoakModels.java "$MD_PORT" "$lifetime" >"$WORK/models.log" 2>&1 & PIDS+=($!)
# /usr/bin first: the fake CLI's "#!/usr/bin/env python3" should not go through a version manager's shim.
env -i PATH="/usr/bin:/bin:$JAVA_HOME/bin" HOME="$WORK" SERVER_AGENT_IGNORE_DOTENV=true LOG_LEVEL=WARN \
  DATABASE_URL="$PG/$DB" DATA_DIR="$WORK/data" PORT="$PORT" BIND_HOST=127.0.0.1 \
  TELEGRAM_BOT_TOKEN="$TOKEN" TELEGRAM_WEBHOOK_SECRET="$SECRET" TELEGRAM_API_URL="http://127.0.0.1:$TG_PORT" \
  PUBLIC_URL="http://127.0.0.1:$PORT" MASTER_CHAT_IDS="$MASTERS" \
  ANTHROPIC_API_KEY="sk-ant-soak" ANTHROPIC_BASE_URL="http://127.0.0.1:$MD_PORT" \
  TRANSCRIBE_URL="http://127.0.0.1:$MD_PORT/v1/audio/transcriptions" TRANSCRIBE_API_KEY="sk-soak-transcribe" \
  CLAUDE_CODE_BIN="$PWD/src/test/resources/fake-claude/claude" CLAUDE_CODE_WORKDIR="$WORK/workspace" \
  FAKE_CLAUDE_SCENARIO="$PWD/bench/soak/claude-answer.jsonl" \
  APPROVAL_POLICY=auto APPROVAL_TIMEOUT_SECONDS=60 REACTIVE_PROGRESS_AFTER_SECONDS=2 PROACTIVE_ENABLED=false \
  timeout "$lifetime" "$JAVA" -jar "$JAR" >"$WORK/app.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { tail -50 "$WORK/app.log"; exit 1; }
for _ in $(seq 1 40); do grep -q '^calls.setwebhook ' <(curl -fs "http://127.0.0.1:$TG_PORT/soak/stats") && break; sleep 0.5; done
APP_PID=$(curl -fs "http://127.0.0.1:$PORT/healthz" | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
[ -d "/proc/$APP_PID" ] || { echo "no app process ($APP_PID)"; exit 1; }

echo "# soak $(date -u +%Y-%m-%dT%H:%MZ): ${MINUTES} min at ${RATE} actions/s, ${SOAK_MASTERS:-20} Master chats (2 slow), ${SOAK_STRANGERS:-5} strangers, APPROVAL_POLICY=auto, default REACTIVE_WORKERS"
echo "# machine: $(nproc) vCPU ($(lscpu | sed -n 's/^Model name: *//p')), $(awk '/MemTotal/{printf "%.1f", $2 / 1048576}' /proc/meminfo) GiB RAM; $(psql "$PG/postgres" -Atc 'select version()' | cut -d, -f1); $("$JAVA" -version 2>&1 | head -1)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# Every ~10 s: seconds since start, RSS (kB, /proc), heap used (bytes, /metrics), 1-min load average.
# At a third of the load, and again at its end (below), the heap after a full GC (jcmd).
heap_after_gc() {
  "$JAVA_HOME/bin/jcmd" "$APP_PID" GC.run >/dev/null 2>&1 || true
  "$JAVA_HOME/bin/jcmd" "$APP_PID" GC.heap_info 2>/dev/null | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1
}
sampler() {
  local t0 now el gc_done=""
  t0=$(date +%s)
  while [ ! -e "$WORK/stop" ] && [ -d "/proc/$APP_PID" ]; do
    now=$(date +%s); el=$((now - t0))
    rss=$(awk '/^VmRSS/{print $2}' "/proc/$APP_PID/status" 2>/dev/null || echo 0)
    heap=$(curl -fs --max-time 5 "http://127.0.0.1:$PORT/metrics" | awk '/^jvm_memory_used_bytes\{area="heap"/{s+=$NF} END{printf "%d", s}')
    phase=load; [ -e "$WORK/load-done" ] && phase=drain
    echo "$el $rss $heap $(cut -d' ' -f1 /proc/loadavg) $phase" >>"$WORK/rss.tsv"
    if [ -z "$gc_done" ] && [ "$el" -ge $((LOAD_SECS / 3)) ]; then echo "$(heap_after_gc)" >"$WORK/gc-third.txt"; gc_done=1; fi
    sleep 10
  done
}
sampler & PIDS+=($!)

"$JAVA" -cp "$JAR" bench/soak/SoakLoad.java "http://127.0.0.1:$PORT" "$SECRET" "http://127.0.0.1:$TG_PORT" \
  "$LOAD_SECS" "$RATE" "$MASTERS" "$SLOW" "$STRANGERS" "$PWD/bench/soak/claude-slow.jsonl" "$WORK" | tee "$WORK/load.txt"
touch "$WORK/load-done"
heap_after_gc >"$WORK/gc-end.txt"

# Drain: every job settled, every outbox row and artifact done, every approval resolved (the
# unpressed ones expire after APPROVAL_TIMEOUT_SECONDS).
open_work() {
  sql "select (select count(*) from reactive_jobs where status in ('queued','running','awaiting_approval'))
            + (select count(*) from chat_messages where send_status = 'pending')
            + (select count(*) from message_artifacts where status = 'pending')
            + (select count(*) from approvals where status = 'pending')"
}
drain_start=$(date +%s)
while [ "$(open_work)" != 0 ] && [ $(( $(date +%s) - drain_start )) -lt "$GRACE" ]; do sleep 5; done
echo "# drained in $(( $(date +%s) - drain_start )) s (open items left: $(open_work)); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
sleep 12  # one more sample after the drain
touch "$WORK/stop"

FAIL=0
check() { # name, actual, expected
  if [ "$2" = "$3" ]; then echo "  ok    $1: $2"; else echo "  FAIL  $1: $2 (expected $3)"; FAIL=1; fi
}
psql "$PG/$DB" -qX -c "create table soak_sent (update_id bigint, action text, kind text, copy int, code int, micros bigint)" \
  -c "\\copy soak_sent from '$WORK/sent.tsv'"
alive() { kill -0 "$1" 2>/dev/null && echo running || echo "not running"; }
curl -fsS --max-time 30 "http://127.0.0.1:$TG_PORT/soak/stats" >"$WORK/telegram-stats.txt" \
  || { echo "# the fake Telegram did not answer (it is $(alive "${PIDS[0]}"))"; exit 1; }
curl -fsS --max-time 30 "http://127.0.0.1:$MD_PORT/soak/stats" >"$WORK/models-stats.txt" \
  || { echo "# the fake models did not answer (it is $(alive "${PIDS[1]}"))"; exit 1; }
tg() { awk -v k="$1" '$1 == k {print $2; f=1} END{if (!f) print 0}' "$WORK/telegram-stats.txt"; }

echo "## checks"
check "deliveries not answered 200" "$(sql "select count(*) from soak_sent where code <> 200")" 0
check "distinct update_ids sent but not in telegram_updates" \
  "$(sql "select count(*) from (select distinct update_id from soak_sent) s where not exists (select 1 from telegram_updates t where t.update_id = s.update_id)")" 0
check "telegram_updates rows not sent by the load" "$(sql "select count(*) from telegram_updates t where not exists (select 1 from soak_sent s where s.update_id = t.update_id)")" 0
check "message updates without exactly one chat_messages row" \
  "$(sql "select count(*) from (select distinct update_id from soak_sent where kind = 'message') s where (select count(*) from chat_messages m where m.update_id = s.update_id) <> 1")" 0
check "edited_message updates without exactly one chat_message_edits row" \
  "$(sql "select count(*) from (select distinct update_id from soak_sent where kind = 'edited_message') s where (select count(*) from chat_message_edits e where e.update_id = s.update_id) <> 1")" 0
check "user messages without exactly one job" \
  "$(sql "select count(*) from chat_messages m where role = 'user' and (select count(*) from reactive_jobs j where j.trigger_message_id = m.id) <> 1")" 0
check "jobs not settled (queued, running, awaiting_approval)" "$(sql "select count(*) from reactive_jobs where status in ('queued','running','awaiting_approval')")" 0
check "approvals still pending" "$(sql "select count(*) from approvals where status = 'pending'")" 0
check "artifacts still pending" "$(sql "select count(*) from message_artifacts where status = 'pending'")" 0
check "outbox rows stuck (pending)" "$(sql "select count(*) from chat_messages where send_status = 'pending'")" 0
check "outbox rows failed" "$(sql "select count(*) from chat_messages where send_status = 'failed'")" 0
echo "  info  outbox rows uncertain: $(sql "select count(*) from chat_messages where send_status = 'uncertain'")"
check "acknowledgements sent twice for one message (fake Telegram, by marker)" "$(tg ack_markers_sent_twice)" 0
check "OK buttons sent twice (fake Telegram, by callback data)" "$(tg buttons_sent_twice)" 0
check "acknowledgements naming no message" "$(tg acks_without_marker)" 0
check "edits of a message id Telegram never issued" "$(tg edits_of_unknown_message)" 0
check "sendMessage calls at the fake = outbox rows sent" "$(tg calls.sendmessage)" "$(sql "select count(*) from chat_messages where send_status in ('sent','uncertain')")"
check "approvals approved by a press = presses answered 'OK, working on it.'" \
  "$(sql "select count(*) from approvals where status = 'approved'")" "$(tg 'press_answer.OK,_working_on_it.')"

echo "## memory (RSS every ~10 s during the load; kB)"
awk '$5 == "load" {printf "%s%s", (n++ ? " " : ""), $2} END{print ""}' "$WORK/rss.tsv"
awk '$5 == "drain" {printf "%s%s", (n++ ? " " : "  after the drain: "), $2} END{print ""}' "$WORK/rss.tsv"
read -r mid last growth heap_mid heap_last load_mean load_max < <(awk '$5 == "load" {rss[n]=$2; heap[n]=$3; la+=$4; if ($4 > lm) lm=$4; n++}
  END {a = int(n / 3); b = int(2 * n / 3);
       for (i = a; i < b; i++) {m += rss[i]; hm += heap[i]} for (i = b; i < n; i++) {l += rss[i]; hl += heap[i]}
       m /= (b - a); l /= (n - b); hm /= (b - a); hl /= (n - b);
       printf "%d %d %.1f %d %d %.2f %.2f\n", m, l, 100 * (l - m) / m, hm / 1048576, hl / 1048576, la / n, lm}' "$WORK/rss.tsv")
echo "  RSS mean, middle third: $((mid / 1024)) MiB; last third: $((last / 1024)) MiB; growth ${growth}%"
echo "  heap used (sampled, /metrics) mean, middle third: ${heap_mid} MiB; last third: ${heap_last} MiB"
echo "  heap after a full GC: at a third of the load $(( $(cat "$WORK/gc-third.txt" 2>/dev/null || echo 0) / 1024 )) MiB, at its end $(( $(cat "$WORK/gc-end.txt") / 1024 )) MiB"
echo "  load average (1 min) during the load: mean $load_mean, max $load_max"
check "RSS growth, last third over middle third, under 15%" "$(awk -v g="$growth" 'BEGIN{print (g < 15) ? "yes" : "no (" g "%)"}')" yes

echo "## totals"
echo "  updates stored by kind: $(sql "select kind || '=' || count(*) from telegram_updates group by kind order by kind" | paste -sd' ')"
echo "  user messages by kind: $(sql "select kind || '=' || count(*) from chat_messages where role = 'user' group by kind order by kind" | paste -sd' ')"
echo "  jobs by status: $(sql "select status || '=' || count(*) from reactive_jobs group by status order by status" | paste -sd' ')"
failed=$(sql "select r || ' x' || n from (select coalesce(left(last_error, 80), '?') r, count(*) n from reactive_jobs where status = 'failed' group by 1) f order by n desc limit 5" | paste -sd';')
echo "  jobs failed, by reason: ${failed:-none}"
# From the database's clocks: the user message committed (stored_at) -> its acknowledgement answered
# by Telegram (sent_at). Media wait for their artifact; every chat keeps Telegram's 1 message/s pace;
# a chat's jobs run one at a time (in the slow chats a message waits for the 6 s run before it).
echo "  acknowledgement delay, message committed -> sendMessage answered:"
sql "with acks as (
       select created_at, sent_at, substring(text from 'soak-u([0-9]+)')::bigint uid from chat_messages
       where role = 'assistant' and text like 'Understood:%'),
     j as (
       select u.kind || case when t.chat_id in ($SLOW) then ', slow chats' else '' end k,
              extract(epoch from a.sent_at - u.stored_at) * 1000 ms
       from acks a join chat_messages u on u.update_id = a.uid join chat_threads t on t.id = u.thread_id)
     select '    ' || k || ': n=' || count(*)
            || ' p50=' || round(percentile_cont(0.5) within group (order by ms)::numeric) || ' ms'
            || ' p90=' || round(percentile_cont(0.9) within group (order by ms)::numeric) || ' ms'
            || ' p99=' || round(percentile_cont(0.99) within group (order by ms)::numeric) || ' ms'
     from j group by k order by k"
echo "  approvals by status: $(sql "select status || '=' || count(*) from approvals group by status order by status" | paste -sd' ')"
echo "  artifacts: $(sql "select kind || ':' || status || '=' || count(*) from message_artifacts group by kind, status order by 1" | paste -sd' ')"
echo "  outbox: $(sql "select send_status || '=' || count(*) from chat_messages where role = 'assistant' group by send_status order by 1" | paste -sd' ')"
echo "  Claude Code runs (ledger rows): $(sql "select count(*) from token_ledger where provider = 'claude_code'")"
echo "  fake Telegram: $(grep -v '^press_answer' "$WORK/telegram-stats.txt" | paste -sd' ')"
echo "  press answers: $(grep '^press_answer' "$WORK/telegram-stats.txt" | sed 's/^press_answer\.//' | paste -sd' ' | tr '_' ' ' )"
echo "  fake models: $(paste -sd' ' "$WORK/models-stats.txt")"
warns=$(grep -cE ' (WARN|ERROR) ' "$WORK/app.log" || true)
echo "  app log: $warns WARN/ERROR lines$( [ "$warns" -gt 0 ] && echo ", first 5:")"
grep -E ' (WARN|ERROR) ' "$WORK/app.log" | head -5 | cut -c1-300 | sed 's/^/    /' || true
[ "$FAIL" = 0 ] && echo "# soak: all checks passed" || echo "# soak: CHECKS FAILED"
exit "$FAIL"
