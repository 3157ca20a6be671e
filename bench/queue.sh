#!/usr/bin/env bash
# Queue throughput: the app's JobRepository (claim + complete, no-op handler) against pgbench
# running the same two statements, at the same concurrency, on a fresh database of the local
# Postgres. Usage: bench/queue.sh [seconds=15] [clients="1 4 16"]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-15}; clients=${2:-"1 4 16"}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
PGHOST=${PGHOST:-127.0.0.1}; PGUSER=${PGUSER:-postgres}; export PGHOST PGUSER
db=sa_bench_queue
jar=target/server-agent.jar
[ -f "$jar" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
psql -qX -d postgres -c "drop database if exists $db with (force)" -c "create database $db"
DATABASE_URL="postgres://$PGUSER@$PGHOST:5432/$db" DATA_DIR=$(mktemp -d) "$JAVA_HOME/bin/java" -jar "$jar" migrate >/dev/null
seed() { # 400,000 queued jobs over 2,000 threads
  psql -qX -d $db <<'SQL'
truncate reactive_jobs, chat_messages, chat_threads restart identity cascade;
insert into chat_threads (platform, chat_id) select 'telegram', g from generate_series(1, 2000) g;
insert into chat_messages (thread_id, platform_message_id, role, text, created_at)
  select 1 + (g % 2000), g, 'user', 'hello', now() from generate_series(1, 400000) g;
insert into reactive_jobs (thread_id, trigger_message_id) select thread_id, id from chat_messages order by id;
vacuum analyze;
SQL
}
count_done() { psql -qXtA -d $db -c "select count(*) from reactive_jobs where status = 'done'"; }
printf "%-8s %12s %12s %7s\n" clients app_jobs/s pgbench_jobs/s ratio
for c in $clients; do
  seed
  out=$("$JAVA_HOME/bin/java" -cp "$jar" bench/queue/QueueBench.java "jdbc:postgresql://$PGHOST:5432/$db?user=$PGUSER" "$c" "$secs")
  app=$(sed -n 's/.*jobs_per_s=\([0-9]*\).*/\1/p' <<<"$out")
  seed
  before=$(count_done)
  pgbench -n -c "$c" -j "$c" -T "$secs" -f bench/queue/claim_complete.sql $db >/dev/null 2>&1
  pg=$(( ($(count_done) - before) / secs ))
  printf "%-8s %12s %12s %6s%%\n" "$c" "$app" "$pg" "$(( 100 * app / (pg > 0 ? pg : 1) ))"
done
psql -qX -d postgres -c "drop database if exists $db with (force)"
