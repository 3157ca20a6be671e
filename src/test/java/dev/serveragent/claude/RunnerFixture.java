package dev.serveragent.claude;

import dev.serveragent.config.AppConfig;
import dev.serveragent.config.Settings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A runner on the fake CLI with test defaults; every setting can be overridden. */
final class RunnerFixture {
    final Path dir;
    final Path workdir;
    final FakeClaude fake;
    final List<ClaudeEvent> events = new CopyOnWriteArrayList<>();

    RunnerFixture(Path dir) {
        this.dir = dir;
        this.workdir = dir.resolve("workspace");
        this.fake = new FakeClaude(dir.resolve("record"));
    }

    AppConfig config(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>();
        all.put("DATA_DIR", dir.toString());
        all.put("CLAUDE_CODE_BIN", FakeClaude.SCRIPT.toString());
        all.put("CLAUDE_CODE_WORKDIR", workdir.toString());
        all.put("CLAUDE_CODE_OAUTH_TOKEN", "oat-test-token-123");
        all.putAll(settings);
        return AppConfig.from(new Settings(all));
    }

    ClaudeCodeRunner runner(Map<String, String> settings, Map<String, String> parentEnv) {
        AppConfig c = config(settings);
        return new ClaudeCodeRunner(c.claudeCode(), c.anthropic(), parentEnv);
    }

    ClaudeCodeRunner runner(String scenario) {
        return runner(Map.of(), fake.env(scenario));
    }

    ClaudeRequest request(ClaudeCodeRunner runner, String prompt, ClaudeRequest.Mode mode) {
        return runner.request(prompt, "SYSTEM PROMPT", mode).withOnEvent(events::add);
    }

    <T extends ClaudeEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
