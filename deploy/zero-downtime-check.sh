#!/usr/bin/env bash
# Zero-downtime check of the process runtime (docs/DEPLOY.md): a real checkout of this repository
# deployed with `server-agent deploy` under webhook load. Deploys commit A, then, under load, a good
# commit B (every update answered 200 and stored once, longest time without an answer reported),
# then a commit C whose migration fails (rolled back, the running release never interrupted, the
# reason the SQL error). Needs a Postgres server (CHECK_DATABASE_URL, else TEST_DATABASE_URL, else
# 127.0.0.1:5432); skipped with a clear line without one. Bounded (CHECK_TIMEOUT, 1200 s), cleans
# up (the agent it started, its database, temp dirs); last line PASSED, FAILED or SKIPPED.
set -euo pipefail
NAME=zero-downtime-check.sh
cd "$(dirname "$0")/.."
. deploy/lib.sh
started=$(date +%s)
deadline=$(( started + ${CHECK_TIMEOUT:-1200} ))
admin=${CHECK_DATABASE_URL:-${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}}
command -v psql >/dev/null || skip "no psql to create the check's database"
psql "$admin" -Atqc 'select 1' >/dev/null 2>&1 || skip "no Postgres server at $admin"
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
"$JAVA" -version >/dev/null 2>&1 || fail "no java at $JAVA (set JAVA_HOME to a JDK >= 21)"
work=$(mktemp -d /tmp/sa-zdc.XXXXXX)
db=sa_zdc_$(date +%s)_$$
psql "$admin" -qc "create database $db" >/dev/null
dburl=$(echo "$admin" | sed -E "s#/[^/?]*(\?|$)#/$db\1#")
deploy_pid=""
killtree() { local c; for c in $(pgrep -P "$1"); do killtree "$c"; done; kill "$1" 2>/dev/null; }
cleanup() {
  set +e
  touch "$work/stop"
  [ -z "$deploy_pid" ] || killtree "$deploy_pid"
  if [ -f "$work/home/data/releases/agent.pid" ]; then
    pid=$(cut -d' ' -f1 "$work/home/data/releases/agent.pid")
    kill "$pid" 2>/dev/null; for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done; kill -9 "$pid" 2>/dev/null
  fi
  psql "$admin" -qc "drop database if exists $db with (force)" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
left() { echo $(( deadline - $(date +%s) )); }

# The deployer: this tree's jar. The repository: a clone of this tree's HEAD (commit A).
JAVA_HOME=$(dirname "$(dirname "$JAVA")") ./mvnw -B -ntp -q ${MAVEN_OFFLINE:+-o} package -DskipTests >"$work/mvn.log" 2>&1 \
  || fail "building the deployer jar: $(grep -m1 ERROR "$work/mvn.log")"
cp target/server-agent.jar "$work/deployer.jar"
git clone -q --no-hardlinks . "$work/repo"
git -C "$work/repo" config user.email check@example.invalid && git -C "$work/repo" config user.name check
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
secret=zdc-$$-$RANDOM
mkdir -p "$work/home"
export DATABASE_URL=$dburl DATA_DIR=$work/home/data DEPLOY_REPO=$work/repo DEPLOY_PORT=$port PORT=$port \
  DEPLOY_TEST_COMMAND=true DEPLOY_HEALTH_TIMEOUT_SECONDS=120 \
  DEPLOY_BUILD_COMMAND="./mvnw -B -ntp -q ${MAVEN_OFFLINE:+-o} package -DskipTests" \
  TELEGRAM_BOT_TOKEN=123456:zdc TELEGRAM_WEBHOOK_SECRET=$secret TELEGRAM_API_URL=http://127.0.0.1:9 MASTER_CHAT_IDS= \
  JAVA_HOME=$(dirname "$(dirname "$JAVA")")
deploy() {   # in the background, so that a signal to this script reaches it through cleanup
  (cd "$work/home" && exec timeout "$(left)" "$JAVA" -jar "$work/deployer.jar" deploy --sha "$1" >>"$work/deploy.log" 2>&1) &
  deploy_pid=$!
  local rc=0; wait "$deploy_pid" || rc=$?
  deploy_pid=""; return "$rc"
}
row() { psql "$dburl" -Atc "select status || '|' || coalesce(rollback_reason, '') from deployments order by id desc limit 1"; }
stored() { psql "$dburl" -Atc "select count(*) || ' ' || count(distinct update_id) from telegram_updates where update_id between $1 and $2"; }

A=$(git -C "$work/repo" rev-parse HEAD)
t=$(date +%s); deploy "$A" || fail "first deploy of $A: $(row) (log: $(tail -3 "$work/deploy.log" | tr '\n' ' '))"
say "deployed A ${A:0:12} in $(( $(date +%s) - t )) s"

load() {   # load FIRST_ID: the loader in the background until $work/stop
  rm -f "$work/stop"
  python3 deploy/ci/webhook-load.py "http://127.0.0.1:$port/telegram/webhook" "$secret" "$1" "$work/stop" 4 >"$work/load.json" &
  loader=$!
}
unload() { touch "$work/stop"; wait "$loader"; cat "$work/load.json"; }
field() { python3 -c "import json,sys; print(json.load(open('$work/load.json'))['$1'])"; }

echo "zero-downtime check $(date -u +%FT%TZ)" > "$work/repo/deploy/ci/check-marker.txt"
git -C "$work/repo" add -A && git -C "$work/repo" commit -qm "check: a good commit B"
B=$(git -C "$work/repo" rev-parse HEAD)
load 100000
t=$(date +%s); deploy "$B" || { unload >/dev/null; fail "good deploy of $B: $(row)"; }
dt=$(( $(date +%s) - t ))
unload >/dev/null
first=$(field first); last=$(field last)
read -r total distinct < <(stored "$first" "$last")
[ "$(row)" = "healthy|" ] || fail "B is not healthy: $(row)"
[ "$total" = "$(field updates)" ] && [ "$distinct" = "$total" ] || fail "B: $(field updates) updates answered, $total stored ($distinct distinct)"
say "good deploy of B in $dt s under load: $(field updates) updates sent, all answered 200, $total stored once;" \
  "$(field failed_attempts) failed attempts, longest time without a 200: $(field longest_gap_ms) ms"
B_GAP=$(field longest_gap_ms); B_FAILED=$(field failed_attempts); B_UPDATES=$(field updates)

add_broken_migration "$work/repo" zero_downtime_check_broken
git -C "$work/repo" add -A && git -C "$work/repo" commit -qm "check: a commit C whose migration fails"
C=$(git -C "$work/repo" rev-parse HEAD)
pid_before=$(cut -d' ' -f1 "$DATA_DIR/releases/agent.pid")
load 200000
deploy "$C" && { unload >/dev/null; fail "the broken commit C deployed healthy"; }
unload >/dev/null
read -r total distinct < <(stored "$(field first)" "$(field last)")
r=$(row)
case "$r" in rolled_back\|*no_such_table_for_the_check*) ;; *) fail "C: expected rolled_back with the SQL error, got: $r" ;; esac
[ "$(cut -d' ' -f1 "$DATA_DIR/releases/agent.pid")" = "$pid_before" ] || fail "C: the running release was replaced"
[ "$total" = "$(field updates)" ] && [ "$distinct" = "$total" ] || fail "C: $(field updates) updates answered, $total stored"
say "failed deploy of C under load: rolled back (${r#rolled_back|}); $(field updates) updates answered and stored once," \
  "$(field failed_attempts) failed attempts, longest time without a 200: $(field longest_gap_ms) ms; pid $pid_before served throughout"
say "PASSED in $(( $(date +%s) - started )) s (good swap: $B_UPDATES updates, $B_FAILED failed attempts, longest gap $B_GAP ms;" \
  "tcp_migrate_req=$(cat /proc/sys/net/ipv4/tcp_migrate_req 2>/dev/null || echo n/a))"
