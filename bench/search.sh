#!/usr/bin/env bash
# search_memory at 1,000,000 messages: seeds a scratch database of the local Postgres
# (search/seed.sql), then times the real store/SearchRepository query per class of query word.
# Usage: bench/search.sh [queries per class=200]
# KEEP_DB=1 keeps the seeded database; REUSE_DB=1 then times an existing one without seeding again.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
PGHOST=${PGHOST:-127.0.0.1}; PGUSER=${PGUSER:-postgres}; export PGHOST PGUSER
db=sa_bench_search
jar=target/server-agent.jar
[ -f "$jar" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
if [ -z "${REUSE_DB:-}" ]; then
  psql -qX -d postgres -c "drop database if exists $db with (force)" -c "create database $db"
  DATABASE_URL="postgres://$PGUSER@$PGHOST:5432/$db" DATA_DIR=$(mktemp -d) "$JAVA_HOME/bin/java" -jar "$jar" migrate >/dev/null
  start=$(date +%s)
  psql -qX -d $db -f bench/search/seed.sql
  echo "seeded in $(( $(date +%s) - start )) s"
fi
echo "$(psql -qXtA -d $db -c "select count(*) from chat_messages") messages," \
     "index sizes $(psql -qXtA -d $db -c "select string_agg(relname || ' ' || pg_size_pretty(pg_relation_size(oid)), ', ') from pg_class where relname like '%search_tsv_idx'")"
"$JAVA_HOME/bin/java" -cp "$jar" bench/search/SearchBench.java "jdbc:postgresql://$PGHOST:5432/$db?user=$PGUSER" "${1:-200}"
[ -n "${KEEP_DB:-}${REUSE_DB:-}" ] || psql -qX -d postgres -c "drop database if exists $db with (force)"
