#!/usr/bin/env bash
# Deploys a commit of the server-agent repository. A thin wrapper: `server-agent deploy` does the
# work (tests, build, swap, health checks, rollback, report; see docs/DEPLOY.md).
# Run by the git hooks that `server-agent install-hook` writes, or by hand:
#   deploy/build_and_deploy.sh [--sha SHA]
# Environment: SERVER_AGENT_JAR   the jar that runs the deploy (required)
#              SERVER_AGENT_JAVA  java executable (default: java on PATH)
#              SERVER_AGENT_HOME  directory of the agent's .env / .env.secrets (default: current directory)
# Exit code: that of `server-agent deploy`: 0 healthy, 1 failed or rolled back, 2 configuration or usage.
set -euo pipefail

die() { echo "build_and_deploy.sh: $1" >&2; exit 2; }

sha=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sha) [ $# -ge 2 ] || die "--sha needs a value"; sha=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (usage: build_and_deploy.sh [--sha SHA])" ;;
  esac
done

[ -n "${SERVER_AGENT_JAR:-}" ] || die "set SERVER_AGENT_JAR to the server-agent jar that runs the deploy"
[ -f "$SERVER_AGENT_JAR" ] || die "SERVER_AGENT_JAR: $SERVER_AGENT_JAR not found"
java=${SERVER_AGENT_JAVA:-java}
cd "${SERVER_AGENT_HOME:-.}" || die "SERVER_AGENT_HOME: cannot enter ${SERVER_AGENT_HOME:-.}"

# Git sets these for hooks; inherited, they would redirect the deploy's own git commands.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY

args=(deploy)
if [ -n "$sha" ]; then
  args+=(--sha "$sha")
fi
echo "$(date -u +%FT%TZ) build_and_deploy.sh: deploying ${sha:-the head of DEPLOY_BRANCH}"
exec "$java" -jar "$SERVER_AGENT_JAR" "${args[@]}"
