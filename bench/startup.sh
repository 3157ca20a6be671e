#!/usr/bin/env bash
# Startup benchmark: time from the start command to /readyz 200 with zero configuration (embedded
# Postgres), cold (empty DATA_DIR: initdb + migrations) and warm (existing DATA_DIR), and the idle
# RSS of the JVM plus its Postgres processes. Each run measures both ways of starting, one after
# the other: `java -jar` (no start-up cache) and `./server-agent` (the launcher, with the JDK 25
# AOT cache it keeps next to the jar). BASELINE_JAR=path adds a row for another build's jar (A/B).
# Usage: bench/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-3}
jdk=$(SERVER_AGENT_JDK_ONLY=1 ./server-agent)
JAVA=$jdk/bin/java
jar=target/server-agent.jar
[ -f "$jar" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
# Makes the cache now (and builds if the jar is stale), so that no measured start includes it.
./server-agent --version >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

start_once() { # $1: plain|launcher; sets pid and ms (milliseconds to ready)
  local t0 t1
  t0=$(date +%s%N)
  if [ "$1" = plain ] || [ "$1" = baseline ]; then
    local j=$root/$jar; [ "$1" = baseline ] && j=$BASELINE_JAR
    (cd "$work" && PORT=$port BIND_HOST=127.0.0.1 exec "$JAVA" -jar "$j" >"$work/out.log" 2>&1) &
  else
    (cd "$work" && PORT=$port BIND_HOST=127.0.0.1 SERVER_AGENT_NO_BUILD=1 exec "$root/server-agent" >"$work/out.log" 2>&1) &
  fi
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/out.log" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  # The JVM's CPU time (user + system) to ready: less dependent than wall time on other load.
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); print int(($12 + $13) * 1000 / hz)}' /proc/$pid/stat)
}
rss_kib() { # JVM + its child processes (embedded Postgres)
  local total=0 p
  for p in $pid $(pgrep -P "$pid") $(pgrep -f "$work/data/pg" || true); do
    total=$(( total + $(awk '/VmRSS/{print $2}' /proc/$p/status 2>/dev/null || echo 0) ))
  done
  echo $total
}
stop() { kill -TERM "$pid"; wait "$pid" || true; }

echo "JDK $jdk; AOT cache: $( [ -f target/server-agent.aot ] && echo "target/server-agent.aot ($(du -m target/server-agent.aot | cut -f1) MiB)" || echo none)"
for i in $(seq 1 "$runs"); do
  for how in ${BASELINE_JAR:+baseline} plain launcher; do
    rm -rf "$work/data"
    start_once $how; cold=$ms; cold_cpu=$cpu; stop
    start_once $how; warm=$ms; warm_cpu=$cpu; sleep 5; jvm=$(awk '/VmRSS/{print $2}' /proc/$pid/status); all=$(rss_kib); stop
    case $how in baseline) label="baseline jar  " ;; plain) label="java -jar     " ;; *) label="./server-agent" ;; esac
    echo "run $i $label: cold ${cold} ms (cpu ${cold_cpu:-?}), warm ${warm} ms (cpu ${warm_cpu:-?}), load $(cut -d' ' -f1 /proc/loadavg), idle RSS jvm $((jvm/1024)) MiB, jvm+postgres $((all/1024)) MiB"
  done
done
