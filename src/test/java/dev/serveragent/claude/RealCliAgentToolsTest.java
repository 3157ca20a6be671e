package dev.serveragent.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.claude.ClaudeResult.Completed;
import dev.serveragent.config.AppConfig;
import dev.serveragent.config.Settings;
import dev.serveragent.mcp.AgentToolServer;
import dev.serveragent.mcp.ReadMessagesTool;
import dev.serveragent.mcp.RememberTool;
import dev.serveragent.mcp.SearchMemoryTool;
import dev.serveragent.memory.MemorySearch;
import dev.serveragent.memory.Notes;
import dev.serveragent.store.NoteRepository;
import dev.serveragent.store.SearchRepository;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude Code CLI calls the agent's MCP server: a fake Messages API answers with a
 * {@code tool_use} of {@code mcp__agent__search_memory}, the CLI calls our loopback server with the
 * run's credential from {@code --mcp-config}, and the answer quotes a message from 40 messages
 * back. Opt-in like {@link RealClaudeCliTest} ({@code CLAUDE_CODE_REAL_BIN}).
 */
@EnabledIfEnvironmentVariable(named = "CLAUDE_CODE_REAL_BIN", matches = ".+")
class RealCliAgentToolsTest {
    @AutoClose static final TestDatabase db = TestDatabase.create();
    @TempDir Path dir;

    @Test
    void the_cli_calls_search_memory_and_the_answer_quotes_a_message_from_40_messages_back() throws Exception {
        long thread = db.jdbi().withHandle(h -> h.createQuery(
                "insert into chat_threads (platform, chat_id) values ('telegram', 77) returning id").mapTo(Long.class).one());
        Instant t0 = Instant.parse("2026-03-01T08:00:00Z");
        long keyMessage = 0;
        for (int i = 0; i < 45; i++) {
            int n = i;
            String text = i == 4 ? "The spare key is under the blue flower pot by the garage" : "small talk number " + i;
            long id = db.jdbi().withHandle(h -> h.createQuery("""
                            insert into chat_messages (thread_id, role, text, created_at) values (:t, 'user', :x, :at) returning id""")
                    .bind("t", thread).bind("x", text).bind("at", t0.plusSeconds(60L * n)).mapTo(Long.class).one());
            keyMessage = i == 4 ? id : keyMessage;
        }
        long key = keyMessage;
        Path workdir = Files.createDirectories(dir.resolve("workspace"));
        MemorySearch search = new MemorySearch(new SearchRepository(db.jdbi()));
        Notes notes = new Notes(new NoteRepository(db.jdbi()), Clock.systemUTC());
        AgentToolServer tools = new AgentToolServer(List.of(new SearchMemoryTool(search),
                new ReadMessagesTool(search, Clock.systemUTC()), new RememberTool(notes)), workdir, Clock.systemUTC());
        tools.start();
        try (FakeMessagesApi api = new FakeMessagesApi()) {
            api.scriptedTool = new String[] {"mcp__agent__search_memory", "{\"query\":\"where is the spare key\"}"};
            Path home = Files.createDirectories(dir.resolve("home"));
            Map<String, String> settings = new HashMap<>(Map.of("CLAUDE_CODE_BIN", System.getenv("CLAUDE_CODE_REAL_BIN"),
                    "ANTHROPIC_BASE_URL", api.baseUrl(), "CLAUDE_CODE_MAX_RETRIES", "0", "DATA_DIR", dir.toString(),
                    "CLAUDE_CODE_WORKDIR", workdir.toString(), "CLAUDE_CODE_OAUTH_TOKEN", "oat-test-token-123"));
            AppConfig c = AppConfig.from(new Settings(settings));
            ClaudeCodeRunner runner = new ClaudeCodeRunner(c.claudeCode(), c.anthropic(),
                    Map.of("PATH", System.getenv("PATH"), "HOME", home.toString()), Optional.of(tools));

            ClaudeResult r = runner.start(runner.request("Where did I say the spare key is?", "", ClaudeRequest.Mode.QUESTION)
                    .withThread(thread)).await(Duration.ofSeconds(90)).orElseThrow();

            assertThat(api.offeredTools).contains("mcp__agent__search_memory", "mcp__agent__read_messages", "mcp__agent__remember");
            assertThat(r).isInstanceOfSatisfying(Completed.class, done -> assertThat(done.text())
                    .startsWith("From memory: ")
                    .contains("[message " + key + ", user, thread " + thread + " (telegram)")
                    .contains("«spare» «key» is under the blue flower pot"));
            assertThat(tools.liveGrants()).isZero(); // revoked with the run
        } finally {
            tools.stop();
        }
    }
}
