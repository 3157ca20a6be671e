# server-agent image. Classic builder and BuildKit alike; every base image is a build argument.
#
# With a registry:     docker build -t server-agent .
# Without a registry:  deploy/vendor.sh fills deploy/vendor/ (the jar, a jlink'ed JRE, the Claude Code
#                      CLI), then docker build --build-arg BUILD_IMAGE=<local debian>
#                      --build-arg RUNTIME_IMAGE=<local debian with curl, git, nodejs, postgresql-client>
#                      (deploy/base-images.sh makes both; deploy/compose-check.sh does all of it).
ARG BUILD_IMAGE=eclipse-temurin:21-jdk
ARG RUNTIME_IMAGE=eclipse-temurin:21-jre

# Build: the fat jar from the Maven wrapper, dependencies cached in their own layer, unless the
# context brings a prebuilt one (deploy/vendor/jar/server-agent.jar): then no network is needed.
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY deploy/vendor/jar/ /vendor/
COPY mvnw pom.xml ./
COPY .mvn .mvn
# Not dependency:go-offline: it resolves optional dependencies too, and jdbi3-postgres 3.55.0 declares
# an optional jdbi3-json 3.55.0 that Maven Central does not have. resolve + resolve-plugins fetch what
# the build uses, as the build resolves it.
RUN if [ ! -f /vendor/server-agent.jar ]; then ./mvnw -B -ntp -q dependency:resolve dependency:resolve-plugins; fi
COPY src src
RUN mkdir -p target && if [ -f /vendor/server-agent.jar ]; then cp /vendor/server-agent.jar target/; \
    else ./mvnw -B -ntp -q package -DskipTests; fi

# Run: a JRE, the Claude Code CLI, a non-root user, data in a volume.
FROM ${RUNTIME_IMAGE}
ARG CLAUDE_CODE_VERSION=2.1.197
COPY deploy/vendor/runtime/ /opt/vendor/
# A base without them (Temurin's JRE image) gets curl, git, node and psql from apt and the CLI from npm;
# a local base has them, and deploy/vendor/runtime/ brings the JRE and the CLI (linked in place, not
# moved: a move would copy them into a second layer).
RUN set -e; \
    if [ -x /opt/vendor/jre/bin/java ]; then mkdir -p /opt/java && ln -s /opt/vendor/jre /opt/java/openjdk; fi; \
    if ! command -v curl >/dev/null || ! command -v node >/dev/null || ! command -v git >/dev/null || ! command -v pg_dump >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends curl ca-certificates nodejs npm git postgresql-client util-linux \
      && rm -rf /var/lib/apt/lists/*; \
    fi; \
    if [ -e /opt/vendor/claude-code/node_modules/.bin/claude ]; then \
      ln -s /opt/vendor/claude-code/node_modules/.bin/claude /usr/local/bin/claude; \
    else \
      npm install -g "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}" && npm cache clean --force; \
    fi; \
    claude --version >/dev/null
RUN groupadd --system agent && useradd --system --gid agent --create-home --home-dir /home/agent agent \
 && mkdir -p /data && chown agent:agent /data
COPY --from=build /src/target/server-agent.jar /app/server-agent.jar
USER agent
WORKDIR /app
ENV PATH=/opt/java/openjdk/bin:$PATH DATA_DIR=/data PORT=8080 DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/readyz" || exit 1
STOPSIGNAL SIGTERM
# Start-up: a dynamic AppCDS archive (JDK 19+, so the JDK 21 base and the vendored JDK 25 alike) of the
# classes a start loads, written to the data volume when the first start of an image stops, used by
# every later start, and written again by itself when the jar changes (docs/PERFORMANCE.md, start-up).
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", \
            "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=/data/server-agent.jsa", "-Xlog:cds*=error", \
            "-jar", "/app/server-agent.jar"]
CMD ["serve"]
