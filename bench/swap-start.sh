#!/usr/bin/env bash
# The start of a self-update swap, with and without the release's AOT cache: a first instance
# serves on a port, then a new one starts beside it on the same port (SO_REUSEPORT, as the process
# runtime's zero-downtime swap does) and its own ready line gives the time from its process start
# to ready and its CPU. The cache is made first as the deploy makes it (a training run without
# the environment's secrets). Needs JDK 25 and a database: DATABASE_URL (its migrations applied
# by the first instance).
# Usage: DATABASE_URL=postgres://... bench/swap-start.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
: "${DATABASE_URL:?set DATABASE_URL to a database the bench may migrate}"
JAVA=$(SERVER_AGENT_JDK_ONLY=1 ./server-agent)/bin/java
work=$(mktemp -d)
trap 'kill "${first:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cp target/server-agent.jar "$work/app.jar"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

t0=$(date +%s%N)
(cd "$work" && env -i PATH="$PATH" HOME="$HOME" DATA_DIR="$work/train" PORT=0 BIND_HOST=127.0.0.1 \
  "$JAVA" -XX:AOTCacheOutput="$work/app.jar.aot" -jar app.jar serve --exit-when-ready >"$work/train.log" 2>&1)
echo "training run: $(( ($(date +%s%N) - t0) / 1000000 )) ms, cache $(du -m "$work/app.jar.aot" | cut -f1) MiB"

env_of() { env -i PATH="$PATH" HOME="$HOME" DATABASE_URL="$DATABASE_URL" DATA_DIR="$work/data" PORT="$port" BIND_HOST=127.0.0.1 "$@"; }
(cd "$work" && exec env -i PATH="$PATH" HOME="$HOME" DATABASE_URL="$DATABASE_URL" DATA_DIR="$work/data" PORT="$port" \
  BIND_HOST=127.0.0.1 "$JAVA" -jar app.jar serve >"$work/first.log" 2>&1) &
first=$!
until grep -q 'ready on port' "$work/first.log" 2>/dev/null; do sleep 0.5; done
echo "serving: $(grep -o 'ready on port.*' "$work/first.log")"
run() { (cd "$work" && env_of "$JAVA" "$@" -jar app.jar serve --exit-when-ready 2>&1 | grep -o 'ready on port.*'); }
for i in $(seq "$runs"); do
  echo "run $i, no cache: $(run) load $(cut -d' ' -f1 /proc/loadavg)"
  echo "run $i, cache:    $(run -XX:AOTCache="$work/app.jar.aot") load $(cut -d' ' -f1 /proc/loadavg)"
done
