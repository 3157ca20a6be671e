# syntax=docker/dockerfile:1
# Build: the fat jar from the Maven wrapper, dependencies cached in their own layer.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -q package -DskipTests

# Run: JRE, Claude Code CLI, a non-root user, data in a volume.
FROM eclipse-temurin:21-jre
ARG CLAUDE_CODE_VERSION=2.1.197
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates nodejs npm git postgresql-client util-linux \
 && npm install -g "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}" \
 && npm cache clean --force \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system agent && useradd --system --gid agent --create-home --home-dir /home/agent agent \
 && mkdir -p /data && chown agent:agent /data
COPY --from=build /src/target/server-agent.jar /app/server-agent.jar
USER agent
WORKDIR /app
ENV DATA_DIR=/data PORT=8080 DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/healthz" || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-jar", "/app/server-agent.jar"]
CMD ["serve"]
