#!/usr/bin/env bash
# Schedule firing latency: 10,000 one-shot reminders due evenly over 100 s, fired by the real
# agenda.ScheduleFiring loop (R replicas, each its own pool) on a fresh database of the local
# Postgres; p50/p90/p99/max from due time to the firing's commit.
# Usage: bench/schedules.sh [schedules=10000] [spread_seconds=100] [replicas=1]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}; spread=${2:-100}; replicas=${3:-1}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
PGHOST=${PGHOST:-127.0.0.1}; PGUSER=${PGUSER:-postgres}; export PGHOST PGUSER
db=sa_bench_schedules
jar=target/server-agent.jar
[ -f "$jar" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
psql -qX -d postgres -c "drop database if exists $db with (force)" -c "create database $db"
DATABASE_URL="postgres://$PGUSER@$PGHOST:5432/$db" DATA_DIR=$(mktemp -d) "$JAVA_HOME/bin/java" -jar "$jar" migrate >/dev/null
"$JAVA_HOME/bin/java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$jar" bench/schedules/ScheduleBench.java \
  "jdbc:postgresql://$PGHOST:5432/$db?user=$PGUSER" "$n" "$spread" "$replicas" 2>&1 | grep -v " INFO \| DEBUG "
psql -qX -d postgres -c "drop database if exists $db with (force)"
