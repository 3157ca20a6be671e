package dev.serveragent.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.agenda.Goals;
import dev.serveragent.agenda.Scope;
import dev.serveragent.claude.ClaudeRequest.Mode;
import dev.serveragent.store.GoalRepository;
import dev.serveragent.store.ThreadRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code list_goals} through the SDK's client: the Master's goals to a private chat's and the proactive loop's runs, none to a group's. */
class ListGoalsToolTest {
    final TestClock clock = new TestClock(Instant.parse("2026-12-07T08:00:00Z"));
    @TempDir
    Path workdir;
    TestDatabase db;
    AgentToolServer server;
    long privateChat;
    long group;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        Goals goals = new Goals(new GoalRepository(db.jdbi()), clock);
        ThreadRepository threads = new ThreadRepository(db.jdbi(), clock);
        privateChat = threads.findOrCreate("telegram", 4242);
        group = threads.findOrCreate("telegram", -100777);
        db.jdbi().useHandle(h -> {
            h.execute("update chat_threads set chat_type = 'private' where id = ?", privateChat);
            h.execute("update chat_threads set chat_type = 'supergroup' where id = ?", group);
        });
        goals.add(Scope.reactive(privateChat), "Find a new flat before March");
        server = new AgentToolServer(List.of(new ListGoalsTool(goals)), workdir, clock);
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop();
        db.close();
    }

    @Test
    void a_private_chat_and_the_proactive_loop_see_the_goals_and_a_group_does_not() {
        try (var run = ToolRun.open(server, Mode.QUESTION, privateChat)) {
            assertThat(run.ok("list_goals", Map.of())).startsWith("1 goal").contains("Find a new flat before March");
        }
        try (var run = ToolRun.open(server, Mode.PROACTIVE, null)) {
            assertThat(run.ok("list_goals", Map.of())).contains("Find a new flat before March");
        }
        try (var run = ToolRun.open(server, Mode.COMMAND, group)) {
            assertThat(run.ok("list_goals", Map.of())).startsWith("None shown: standing goals are the Master's own")
                    .doesNotContain("flat");
        }
    }
}
