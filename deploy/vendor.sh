#!/usr/bin/env bash
# Fills deploy/vendor/ so that `docker build` needs no network: the jar (built here), a jlink'ed
# JRE (from a JDK >= 21 on this machine) and the Claude Code CLI (npm install here). Each is cached
# under $SERVER_AGENT_CI_CACHE (/var/cache/server-agent-ci) by its inputs. Remove with --clean.
set -euo pipefail
NAME=vendor.sh
cd "$(dirname "$0")/.."
. deploy/lib.sh
V=deploy/vendor
if [ "${1:-}" = --clean ]; then
  find "$V/jar" "$V/runtime" -mindepth 1 -not -name .keep -exec rm -rf {} + 2>/dev/null || true
  exit 0
fi
JDK=${VENDOR_JDK:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}}
[ -x "$JDK/bin/jlink" ] || fail "no jlink in $JDK (set VENDOR_JDK to a JDK >= 21)"
CLAUDE_CODE_VERSION=$(sed -n 's/^ARG CLAUDE_CODE_VERSION=//p' Dockerfile)
# What the agent uses (jdeps --print-module-deps on the fat jar), plus zipfs and DNS for the JDK's own needs.
MODULES=java.base,java.desktop,java.instrument,java.naming,java.net.http,java.rmi,java.security.jgss,java.sql,jdk.jfr,jdk.management,jdk.unsupported,jdk.zipfs,jdk.naming.dns,jdk.crypto.cryptoki
mkdir -p "$CACHE"

if [ "${VENDOR_SKIP_JAR:-}" != 1 ]; then
  JAVA_HOME=$JDK PATH=$JDK/bin:$PATH ./mvnw -B -ntp -q ${MAVEN_OFFLINE:+-o} package -DskipTests >"$CACHE/vendor-mvn.log" 2>&1 \
    || fail "jar build: $(grep -m1 ERROR "$CACHE/vendor-mvn.log" || tail -1 "$CACHE/vendor-mvn.log")"
fi
cp target/server-agent.jar "$V/jar/server-agent.jar"

jre=$CACHE/jre-$("$JDK/bin/java" -version 2>&1 | head -1 | tr -cd '0-9.')-$(echo "$MODULES" | md5sum | cut -c1-8)-cds
if [ ! -x "$jre/bin/java" ]; then
  rm -rf "$jre"
  "$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=zip-6 --generate-cds-archive --output "$jre"
fi
rm -rf "$V/runtime/jre" && cp -a "$jre" "$V/runtime/jre"

cli=$CACHE/claude-code-$CLAUDE_CODE_VERSION
if [ ! -f "$cli/node_modules/.bin/claude" ]; then
  rm -rf "$cli" && mkdir -p "$cli"
  (cd "$cli" && npm install --silent --no-audit --no-fund "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" >/dev/null) \
    || fail "npm install @anthropic-ai/claude-code@$CLAUDE_CODE_VERSION failed"
fi
rm -rf "$V/runtime/claude-code" && cp -a "$cli" "$V/runtime/claude-code"
say "deploy/vendor: jar $(du -m "$V/jar/server-agent.jar" | cut -f1) MiB, JRE $(du -sm "$V/runtime/jre" | cut -f1) MiB, Claude Code $CLAUDE_CODE_VERSION $(du -sm "$V/runtime/claude-code" | cut -f1) MiB"
