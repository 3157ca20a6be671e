#!/usr/bin/env bash
# Startup benchmark: time from `java -jar` to /readyz 200 with zero configuration (embedded
# Postgres), cold (empty DATA_DIR: initdb + migrations) and warm (existing DATA_DIR), and the
# idle RSS of the JVM plus its Postgres processes. Usage: bench/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
jar=target/server-agent.jar
[ -f "$jar" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

start_once() { # sets pid and ms (milliseconds to ready)
  local t0 t1
  t0=$(date +%s%N)
  (cd "$work" && PORT=$port BIND_HOST=127.0.0.1 exec "$JAVA" -jar "$OLDPWD/$jar" >"$work/out.log" 2>&1) &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/out.log" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
}
rss_kib() { # JVM + its child processes (embedded Postgres)
  local total=0 p
  for p in $pid $(pgrep -P "$pid") $(pgrep -f "$work/data/pg" || true); do
    total=$(( total + $(awk '/VmRSS/{print $2}' /proc/$p/status 2>/dev/null || echo 0) ))
  done
  echo $total
}
stop() { kill -TERM "$pid"; wait "$pid" || true; }

for i in $(seq 1 "$runs"); do
  rm -rf "$work/data"
  start_once; cold=$ms; stop
  start_once; warm=$ms; sleep 5; jvm=$(awk '/VmRSS/{print $2}' /proc/$pid/status); all=$(rss_kib); stop
  echo "run $i: cold ${cold} ms, warm ${warm} ms, idle RSS jvm $((jvm/1024)) MiB, jvm+postgres $((all/1024)) MiB"
done
