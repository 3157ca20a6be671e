#!/usr/bin/env bash
# The compose deploy runtime on a real engine (docs/DEPLOY.md): the stack up, then `server-agent
# deploy` with DEPLOY_RUNTIME=compose on a clone of this repository: commit A and a good commit B
# become healthy as new image tags (B under webhook load, measuring the gap of the stop-then-up
# swap), then a commit C whose migration fails is rolled back to B's tag, the Master told (a fake
# Bot API on loopback), the row rolled_back with the SQL error. Bounded (CHECK_TIMEOUT, 1200 s),
# cleans up (containers, volumes, images it built, a dockerd it started, temp dirs, its fake);
# last line PASSED, FAILED or SKIPPED.
set -euo pipefail
NAME=compose-deploy-check.sh
cd "$(dirname "$0")/.."
. deploy/lib.sh
started=$(date +%s)
deadline=$(( started + ${CHECK_TIMEOUT:-1200} ))
PROJECT=sa-compose-deploy-check
work=$(mktemp -d /tmp/sa-cdc.XXXXXX)
COMPOSE="" fake="" loader=""
cleanup() {
  set +e
  touch "$work/stop"
  [ -z "$loader" ] || wait "$loader" 2>/dev/null
  [ -z "$fake" ] || kill "$fake" 2>/dev/null
  if [ -n "$COMPOSE" ]; then $COMPOSE down --volumes --remove-orphans >/dev/null 2>&1; fi
  for i in $("$DOCKER" image ls server-agent-ci/deployed --format '{{.Repository}}:{{.Tag}}' 2>/dev/null); do "$DOCKER" image rm "$i" >/dev/null 2>&1; done
  deploy/vendor.sh --clean
  stop_engine
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
left() { echo $(( deadline - $(date +%s) )); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
"$JAVA" -version >/dev/null 2>&1 || fail "no java at $JAVA (set JAVA_HOME to a JDK >= 21)"
ensure_engine || skip "no container engine can run here (dockerd did not start)"
COMPOSE_BIN=$(compose_cmd) || skip "no docker compose and docker-compose cannot be installed"
command -v pg_dump >/dev/null || apt_install pg_dump postgresql-client || true
read -r BUILD_BASE RUNTIME_BASE PG_IMAGE < <(timeout "$(left)" deploy/base-images.sh | tail -1)
timeout "$(left)" deploy/vendor.sh
cp target/server-agent.jar "$work/deployer.jar"

port=$(free_port); pg_port=$(free_port); tg_port=$(free_port)
pw=$(head -c 18 /dev/urandom | base64 | tr -dc A-Za-z0-9)
secret=cdc-$(head -c 9 /dev/urandom | base64 | tr -dc A-Za-z0-9)
(umask 077; printf 'POSTGRES_PASSWORD=%s\nDATABASE_URL=postgres://agent:%s@postgres:5432/agent\nTELEGRAM_BOT_TOKEN=123456:cdc\nTELEGRAM_WEBHOOK_SECRET=%s\n' \
  "$pw" "$pw" "$secret" > "$work/secrets")
python3 deploy/ci/fake-telegram.py "$tg_port" "$work/master.log" & fake=$!
git clone -q --no-hardlinks . "$work/repo"
git -C "$work/repo" config user.email check@example.invalid && git -C "$work/repo" config user.name check
cp deploy/ci/compose-publish-postgres.yml "$work/publish.yml"
export SERVER_AGENT_SECRETS_FILE=$work/secrets PORT=$port CHECK_PG_PORT=$pg_port \
  BUILD_IMAGE=$BUILD_BASE RUNTIME_IMAGE=$RUNTIME_BASE POSTGRES_IMAGE=$PG_IMAGE \
  TELEGRAM_API_URL=http://127.0.0.1:9 MASTER_CHAT_IDS= DOCKER_BUILDKIT=0
COMPOSE="$COMPOSE_BIN --project-name $PROJECT --file $work/repo/docker-compose.yml --file $work/publish.yml"
timeout "$(left)" $COMPOSE up -d postgres >"$work/up.log" 2>&1 || fail "compose up postgres: $(tail -2 "$work/up.log" | tr '\n' ' ')"
until $COMPOSE exec -T postgres pg_isready -U agent -d agent -h 127.0.0.1 >/dev/null 2>&1; do
  [ "$(left)" -gt 0 ] || fail "postgres container not ready"; sleep 1   # a container starting: no event to await
done

# The deploy's own settings: the compose runtime on the clone, images built without a registry.
deploy_env=(DATABASE_URL="postgres://agent:$pw@127.0.0.1:$pg_port/agent" DATA_DIR="$work/home/data"
  DEPLOY_RUNTIME=compose DEPLOY_REPO="$work/repo" DEPLOY_COMPOSE_PROJECT=$PROJECT DEPLOY_COMPOSE_COMMAND="$COMPOSE_BIN"
  DEPLOY_IMAGE=server-agent-ci/deployed DEPLOY_PORT=$port DEPLOY_HEALTH_TIMEOUT_SECONDS=90 DEPLOY_TEST_COMMAND=true JAVA_HOME="$(dirname "$(dirname "$JAVA")")"
  DEPLOY_IMAGE_BUILD_COMMAND="./mvnw -B -ntp -q ${MAVEN_OFFLINE:+-o} package -DskipTests && VENDOR_SKIP_JAR=1 deploy/vendor.sh"
  DEPLOY_DOCKER_BUILD_ARGS="BUILD_IMAGE=$BUILD_BASE RUNTIME_IMAGE=$RUNTIME_BASE" DEPLOY_DOCKER_BIN="$DOCKER"
  TELEGRAM_BOT_TOKEN=123456:cdc TELEGRAM_WEBHOOK_SECRET=$secret TELEGRAM_API_URL=http://127.0.0.1:$tg_port MASTER_CHAT_IDS=4242)
mkdir -p "$work/home"
deploy() { (cd "$work/home" && env "${deploy_env[@]}" timeout "$(left)" "$JAVA" -jar "$work/deployer.jar" deploy --sha "$1" >>"$work/deploy.log" 2>&1); }
row() { $COMPOSE exec -T postgres psql -U agent -d agent -Atc "select status || '|' || coalesce(rollback_reason, '') from deployments order by id desc limit 1" | tr -d '\r'; }
running_image() { "$DOCKER" inspect --format '{{.Config.Image}}' "$($COMPOSE ps -q app)"; }
field() { python3 -c "import json,sys; print(json.load(open('$work/load.json'))['$1'])"; }
commit() { echo "$1 $(date -u +%FT%TZ)" > "$work/repo/deploy/ci/check-marker.txt"; git -C "$work/repo" add -A; git -C "$work/repo" commit -qm "check: $1"; git -C "$work/repo" rev-parse HEAD; }

A=$(git -C "$work/repo" rev-parse HEAD)
t=$(date +%s); deploy "$A" || fail "deploy of A: $(row) (log: $(grep -m1 -E 'Failure|ERROR|rror:' "$work/deploy.log" || tail -2 "$work/deploy.log"))"
[ "$(running_image)" = "server-agent-ci/deployed:$A" ] || fail "A: the app runs $(running_image)"
say "deployed A ${A:0:12} as server-agent-ci/deployed:${A:0:12} in $(( $(date +%s) - t )) s"

B=$(commit "a good commit B")
rm -f "$work/stop"
python3 deploy/ci/webhook-load.py "http://127.0.0.1:$port/telegram/webhook" "$secret" 100000 "$work/stop" 4 >"$work/load.json" & loader=$!
t=$(date +%s); deploy "$B" || fail "deploy of B: $(row)"
touch "$work/stop"; wait "$loader"; loader=""
[ "$(row)" = "healthy|" ] && [ "$(running_image)" = "server-agent-ci/deployed:$B" ] || fail "B: $(row), running $(running_image)"
stored=$($COMPOSE exec -T postgres psql -U agent -d agent -Atc "select count(*) from telegram_updates where update_id >= 100000" | tr -d '\r')
[ "$stored" = "$(field updates)" ] || fail "B: $(field updates) updates answered 200, $stored stored"
say "good deploy of B in $(( $(date +%s) - t )) s: new tag healthy; under load $(field updates) updates answered 200 and stored once," \
  "$(field failed_attempts) failed attempts, longest time without a 200 (the stop-then-up gap): $(field longest_gap_ms) ms"
GAP=$(field longest_gap_ms)

add_broken_migration "$work/repo" compose_check_broken
C=$(commit "a commit C whose migration fails")
deploy "$C" && fail "the broken commit C deployed healthy"
r=$(row)
case "$r" in rolled_back\|*no_such_table_for_the_check*) ;; *) fail "C: expected rolled_back with the SQL error, got: $r" ;; esac
[ "$(running_image)" = "server-agent-ci/deployed:$B" ] || fail "C: the app runs $(running_image), not B's tag"
grep -q "ROLLED BACK" "$work/master.log" || fail "C: the Master was not told"
say "broken commit C rolled back to B's tag; Master told; reason: ${r#rolled_back|}"
say "PASSED in $(( $(date +%s) - started )) s (compose swap gap under load: $GAP ms)"
