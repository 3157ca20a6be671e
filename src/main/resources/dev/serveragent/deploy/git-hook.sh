#!/bin/sh
# server-agent deploy hook, written by `server-agent install-hook` (run it again to change it).
# As post-merge: deploys HEAD when a merge landed on the deploy branch.
# As post-receive: deploys the new head of the deploy branch pushed here.
# The deploy runs detached (its own session, output appended to the log): it stops and restarts
# the agent, which may itself be the process that ran this merge. DEPLOY_FOREGROUND=1 waits for it.
set -eu
BRANCH=@BRANCH@
SCRIPT=@SCRIPT@
LOG=@LOG@
export SERVER_AGENT_JAR=@JAR@
export SERVER_AGENT_JAVA=@JAVA@
export SERVER_AGENT_HOME=@HOME@

sha=""
case "$(basename "$0")" in
  post-receive)
    while read -r old new ref; do
      if [ "$ref" = "refs/heads/$BRANCH" ]; then sha=$new; fi
    done ;;
  *)
    if [ "$(git rev-parse --abbrev-ref HEAD)" != "$BRANCH" ]; then exit 0; fi
    sha=$(git rev-parse HEAD) ;;
esac
if [ -z "$sha" ] || [ "$sha" = 0000000000000000000000000000000000000000 ]; then exit 0; fi

unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY
if [ "${DEPLOY_FOREGROUND:-}" = 1 ]; then
  exec "$SCRIPT" --sha "$sha"
fi
mkdir -p "$(dirname "$LOG")"
if command -v setsid >/dev/null 2>&1; then
  setsid "$SCRIPT" --sha "$sha" >>"$LOG" 2>&1 </dev/null &
else
  nohup "$SCRIPT" --sha "$sha" >>"$LOG" 2>&1 </dev/null &
fi
echo "server-agent: deploying $sha in the background (log: $LOG)"
