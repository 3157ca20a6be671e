#!/usr/bin/env bash
# The compose stack end to end on a real engine (docs/DEPLOY.md "Compose check"): start the
# engine if needed, build the images (local base images: no registry needed), `compose up`, the
# app healthy and reaching the Postgres container, a webhook update stored in that container's
# database, Postgres restarted under webhook traffic with nothing lost, `compose down` and up
# again with the data still there (named volumes). Bounded (CHECK_TIMEOUT, 900 s), cleans up
# (containers, volumes, the app image, a dockerd it started, temp dirs), last line says PASSED,
# FAILED or SKIPPED; exit 0 unless FAILED.
set -euo pipefail
NAME=compose-check.sh
cd "$(dirname "$0")/.."
. deploy/lib.sh
started=$(date +%s)
[ -n "${CHECK_DEADLINE:-}" ] || export CHECK_DEADLINE=$(( started + ${CHECK_TIMEOUT:-900} ))
PROJECT=sa-compose-check
N=${CHECK_UPDATES:-200}
work=$(mktemp -d /tmp/sa-compose-check.XXXXXX)
COMPOSE=""
cleanup() {
  set +e
  if [ -n "$COMPOSE" ]; then $COMPOSE down --volumes --remove-orphans >/dev/null 2>&1; fi
  "$DOCKER" image rm server-agent-ci/app:check >/dev/null 2>&1
  deploy/vendor.sh --clean
  stop_engine
  rm -rf "$work"
}
trap cleanup EXIT
left() { echo $(( CHECK_DEADLINE - $(date +%s) )); }
bounded() { local t; t=$(left); [ "$t" -gt 0 ] || fail "out of time (CHECK_TIMEOUT)"; timeout "$t" "$@"; }

ensure_engine || skip "no container engine can run here (dockerd did not start)"
COMPOSE_BIN=$(compose_cmd) || skip "no docker compose and docker-compose cannot be installed"
read -r BUILD_BASE RUNTIME_BASE PG_IMAGE < <(bounded deploy/base-images.sh | tail -1)
bounded deploy/vendor.sh

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pw=$(head -c 18 /dev/urandom | base64 | tr -dc A-Za-z0-9)
secret=check-$(head -c 9 /dev/urandom | base64 | tr -dc A-Za-z0-9)
(umask 077; cat > "$work/secrets" <<EOS
POSTGRES_PASSWORD=$pw
DATABASE_URL=postgres://agent:$pw@postgres:5432/agent
TELEGRAM_BOT_TOKEN=123456:check-token
TELEGRAM_WEBHOOK_SECRET=$secret
EOS
)
export SERVER_AGENT_SECRETS_FILE=$work/secrets SERVER_AGENT_IMAGE=server-agent-ci/app:check PORT=$port \
  BUILD_IMAGE=$BUILD_BASE RUNTIME_IMAGE=$RUNTIME_BASE POSTGRES_IMAGE=$PG_IMAGE \
  TELEGRAM_API_URL=http://127.0.0.1:9 MASTER_CHAT_IDS=
COMPOSE="$COMPOSE_BIN --project-name $PROJECT --file docker-compose.yml"

t0=$(date +%s)
bounded $COMPOSE build -q app >"$work/build.log" 2>&1 || fail "image build: $(grep -m1 -iE 'error|fail' "$work/build.log" || tail -1 "$work/build.log")"
size=$("$DOCKER" image inspect --format '{{.Size}}' server-agent-ci/app:check)
say "built server-agent-ci/app:check in $(( $(date +%s) - t0 )) s: $(( size / 1024 / 1024 )) MiB"
[ "$("$DOCKER" run --rm --entrypoint id server-agent-ci/app:check -u)" != 0 ] || fail "the image runs as root"
"$DOCKER" run --rm --entrypoint claude server-agent-ci/app:check --version >/dev/null || fail "no Claude Code CLI in the image"

ready() {   # waits until /readyz answers 200 on the published port
  local deadline=$(( $(date +%s) + ${1:-180} ))
  until curl -fs -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { $COMPOSE logs --tail 20 app >&2; return 1; }
    sleep 1   # an external container starting: no event to await
  done
}
psql_count() { $COMPOSE exec -T postgres psql -U agent -d agent -Atc "$1" | tr -d '\r'; }
post() {   # post UPDATE_ID: the webhook answer's HTTP status
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "X-Telegram-Bot-Api-Secret-Token: $secret" \
    -H 'Content-Type: application/json' "http://127.0.0.1:$port/telegram/webhook" \
    -d "{\"update_id\":$1,\"message\":{\"message_id\":$1,\"date\":1764633600,\"chat\":{\"id\":777,\"type\":\"private\"},\"from\":{\"id\":777,\"is_bot\":false,\"first_name\":\"Check\"},\"text\":\"update $1\"}}" || true
}
deliver() {   # deliver FROM TO: each update retried until 200, as Telegram does; prints the non-200 answers
  local i retries=0 code
  for i in $(seq "$1" "$2"); do
    for _ in $(seq 1 600); do
      code=$(post "$i"); [ "$code" = 200 ] && break
      retries=$((retries + 1)); sleep 0.1   # Telegram's retry pacing, shortened
    done
    [ "$code" = 200 ] || { echo "update $i never answered 200 (last $code)" >&2; return 1; }
  done
  echo "$retries"
}

bounded $COMPOSE up -d >"$work/up.log" 2>&1 || fail "compose up: $(tail -2 "$work/up.log" | tr '\n' ' ')"
ready 240 || fail "the app did not become ready"
say "app ready on 127.0.0.1:$port, reaching the postgres container ($(psql_count 'select version()' | cut -d' ' -f1-2))"
[ "$(post 1)" = 200 ] || fail "webhook did not answer 200"
[ "$(psql_count 'select count(*) from telegram_updates where update_id = 1')" = 1 ] || fail "update 1 not in the postgres container"
say "webhook update 1 stored in the postgres container"

deliver 1000 $((1000 + N - 1)) >"$work/traffic" 2>"$work/traffic.err" &
sender=$!
bounded $COMPOSE restart postgres >/dev/null 2>&1 || fail "restart of postgres failed"
wait "$sender" || fail "traffic: $(cat "$work/traffic.err")"
stored=$(psql_count "select count(*) from telegram_updates where update_id between 1000 and $((1000 + N - 1))")
[ "$stored" = "$N" ] || fail "postgres restart under traffic: $N updates answered 200, $stored stored"
say "postgres restarted under traffic: $N updates sent, $N answered 200, $stored stored once ($(cat "$work/traffic") retries)"

bounded $COMPOSE down >/dev/null 2>&1 || fail "compose down failed"
bounded $COMPOSE up -d >/dev/null 2>&1 || fail "compose up again failed"
ready 240 || fail "the app did not become ready after down/up"
kept=$(psql_count 'select count(*) from telegram_updates')
[ "$kept" = "$((N + 1))" ] || fail "after down and up: $kept updates, expected $((N + 1))"
say "compose down and up: all $kept updates still there (named volumes)"
say "PASSED in $(( $(date +%s) - started )) s (image $(( size / 1024 / 1024 )) MiB)"
