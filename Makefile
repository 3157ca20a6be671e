# The JDK >= 21 that ./server-agent finds (JAVA_HOME if >= 21, else the newest under /usr/lib/jvm, else java on PATH).
JAVA_HOME := $(or $(shell SERVER_AGENT_JDK_ONLY=1 ./server-agent 2>/dev/null),$(JAVA_HOME))
export JAVA_HOME

.PHONY: help build test run install-service ci bench-startup
help: ## List the everyday commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'
build: ## Build target/server-agent.jar
	./mvnw -q package -DskipTests
test: ## Run all tests (TEST_DATABASE_URL to use a local Postgres)
	./mvnw verify
run: ## Build if needed and run, with a JDK >= 21 found by ./server-agent (configuration: environment, ./.env, ./.env.secrets)
	./server-agent
install-service: ## Write a systemd unit that keeps the agent on (then run the two commands it prints)
	./server-agent install-service
ci: ## Run what CI runs
	bash .ci/run
bench-startup: build ## Startup time and idle memory
	bench/startup.sh 3
