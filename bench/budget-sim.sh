#!/usr/bin/env bash
# Proactive budget simulation: drives the real BudgetGovernor (dev.serveragent.budget) through
# simulated days for three cost distributions and prints markdown tables (docs/PERFORMANCE.md,
# "Proactive budget simulation"). Arguments: [days=30] [seed=42]. Needs a JDK >= 21 (JAVA_HOME).
set -euo pipefail
cd "$(dirname "$0")/.."
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
./mvnw -q test-compile
exec "$java_bin" -cp target/classes:target/test-classes dev.serveragent.budget.BudgetSimulation "$@"
