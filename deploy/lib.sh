# Shared by deploy/*-check.sh: bounded steps, an engine started on demand and stopped at exit.
# Sourced, not run. Callers set NAME before sourcing.
CACHE=${SERVER_AGENT_CI_CACHE:-/var/cache/server-agent-ci}
DOCKER=${DOCKER:-$(command -v docker || echo /usr/local/bin/docker)}
STARTED_DOCKERD="" DOCKERD_LOG=""
say() { echo "$NAME: $*"; }
fail() { echo "$NAME: FAILED: $*" >&2; exit 1; }
skip() { echo "$NAME: SKIPPED: $*"; exit 0; }

apt_install() {   # apt_install CMD PACKAGE: installs PACKAGE when CMD is missing
  command -v "$1" >/dev/null 2>&1 && return 0
  say "installing $2"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null) || return 1
}

# Starts dockerd as this machine kind allows (no iptables, no default bridge) unless one answers.
# Returns 1 (the caller skips) when no engine can run here.
ensure_engine() {
  if "$DOCKER" info >/dev/null 2>&1; then return 0; fi
  [ "$(id -u)" = 0 ] || return 1
  apt_install dockerd docker.io || return 1
  local log; log=$(mktemp /tmp/sa-dockerd.XXXXXX.log); DOCKERD_LOG=$log
  dockerd --storage-driver overlay2 --exec-opt native.cgroupdriver=cgroupfs --iptables=false \
    --ip-forward=false --ip-masq=false --bridge=none >"$log" 2>&1 &
  STARTED_DOCKERD=$!
  for _ in $(seq 1 60); do
    "$DOCKER" info >/dev/null 2>&1 && { say "started dockerd (pid $STARTED_DOCKERD)"; return 0; }
    kill -0 "$STARTED_DOCKERD" 2>/dev/null || break
    sleep 1   # polling an external daemon's socket: there is no event to await
  done
  say "dockerd did not start: $(tail -3 "$log" | tr '\n' ' ')"
  stop_engine; return 1
}

stop_engine() {
  [ -n "$STARTED_DOCKERD" ] || return 0
  kill "$STARTED_DOCKERD" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$STARTED_DOCKERD" 2>/dev/null || break; sleep 1; done
  kill -9 "$STARTED_DOCKERD" 2>/dev/null || true
  STARTED_DOCKERD=""
  [ -z "$DOCKERD_LOG" ] || rm -f "$DOCKERD_LOG"
}

# compose: v2 plugin when the client has it, else Debian's docker-compose.
compose_cmd() {
  if "$DOCKER" compose version >/dev/null 2>&1; then echo "$DOCKER compose"; return; fi
  apt_install docker-compose docker-compose >/dev/null || return 1
  echo docker-compose
}

# add_broken_migration REPO NAME: writes REPO's next migration (after the highest real version, or
# Flyway refuses it as out of order instead of running it), one that fails.
add_broken_migration() {
  local migrations="$1/src/main/resources/db/migration" v
  v=$(( $(ls "$migrations" | sed -n 's/^V\([0-9]*\)__.*/\1/p' | sort -n | tail -1) + 1 ))
  printf -- '-- Made by %s: a migration that fails.\nalter table no_such_table_for_the_check add column x int;\n' "$NAME" \
    > "$migrations/V${v}__$2.sql"
}
