#!/usr/bin/env bash
# The token cost of a proactive day (issue 19: an idle day costs 0): the real proactive module with
# the agenda's work check, a model stand-in of 10,000 tokens a turn, 24 simulated hours stepped a
# minute at a time, on a scratch database (TEST_DATABASE_URL, else an embedded Postgres); three
# days: empty agenda, quiet agenda, one standing goal. Prints a markdown table (docs/PERFORMANCE.md).
# Usage: bench/proactive-idle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
./mvnw -q -B -ntp test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath >/dev/null
exec "$JAVA_HOME/bin/java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "target/test-classes:target/classes:$(cat target/test.classpath)" dev.serveragent.proactive.IdleDayBench
