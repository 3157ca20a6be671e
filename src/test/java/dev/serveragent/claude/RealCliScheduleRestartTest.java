package dev.serveragent.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.agenda.Agenda;
import dev.serveragent.channel.MasterNaming;
import dev.serveragent.claude.ClaudeResult.Completed;
import dev.serveragent.config.AgendaConfig;
import dev.serveragent.masters.Masters;
import dev.serveragent.mcp.AgentToolServer;
import dev.serveragent.mcp.ScheduleTool;
import dev.serveragent.store.Database;
import dev.serveragent.store.ThreadRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduled reminder fires on time after a restart, set by the real Claude Code CLI: a fake
 * Messages API answers with a {@code tool_use} of {@code mcp__agent__schedule}, the CLI calls the
 * agent's MCP server, and the schedule is stored. The agenda and its tools then stop; a new agenda
 * on a new connection pool to the same database (the restarted agent) fires the reminder once
 * when its clock passes the due time. Opt-in like {@link RealCliAgentToolsTest}
 * ({@code CLAUDE_CODE_REAL_BIN}).
 */
@EnabledIfEnvironmentVariable(named = "CLAUDE_CODE_REAL_BIN", matches = ".+")
class RealCliScheduleRestartTest {
    static final long MASTER = 4242;
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    @AutoClose static final TestDatabase db = TestDatabase.create();
    @TempDir Path dir;

    private static Agenda agenda(Database database, Clock clock) {
        var repositories = new dev.serveragent.store.Repositories(database, clock);
        var channels = dev.serveragent.channel.ChannelsModule.build(List.of(), List.of(), repositories, java.util.Optional.empty(), clock);
        Masters masters = dev.serveragent.masters.MastersModule.build(List.of(MasterNaming.listedOrPaired("telegram", List.of(MASTER))),
                repositories.masters(), clock).masters();
        return Agenda.build(new AgendaConfig(BERLIN, AgendaConfig.DEFAULT_TASK_TOKEN_CEILING), repositories, channels.outbox(),
                channels.channels(), masters, clock);
    }

    private static List<String> said(long thread) {
        return db.jdbi().withHandle(h -> h.createQuery("select text from chat_messages where thread_id = :t and role = 'assistant' order by id")
                .bind("t", thread).mapTo(String.class).list());
    }

    @Test
    void the_cli_schedules_a_reminder_and_after_a_restart_it_fires_once_on_time() throws Exception {
        // Saturday 5 Dec 2026, 10:00 in Berlin: "remind me tomorrow at 9 to call the bank".
        TestClock clock = new TestClock(Instant.parse("2026-12-05T09:00:00Z"));
        long thread = new ThreadRepository(db.jdbi(), clock).findOrCreate("telegram", MASTER);
        Path workdir = Files.createDirectories(dir.resolve("workspace"));
        Agenda before = agenda(db.database(), clock);
        AgentToolServer tools = new AgentToolServer(List.of(new ScheduleTool(before.schedules())), workdir, clock);
        tools.start();
        try (FakeMessagesApi api = new FakeMessagesApi()) {
            api.scriptedTool = new String[] {"mcp__agent__schedule",
                    "{\"kind\":\"reminder\",\"text\":\"call the bank\",\"at\":\"2026-12-06T09:00\",\"time_zone\":\"Europe/Berlin\"}"};
            ClaudeCodeRunner runner = RealCli.runner(dir, workdir, api, tools);

            ClaudeResult r = runner.start(runner.request("remind me tomorrow at 9 to call the bank", "", ClaudeRequest.Mode.COMMAND)
                    .withThread(thread)).await(Duration.ofSeconds(90)).orElseThrow();

            assertThat(api.offeredTools).contains("mcp__agent__schedule");
            assertThat(r).isInstanceOfSatisfying(Completed.class, done -> assertThat(done.text())
                    .contains("Scheduled #").contains("reminder").contains("Sun 6 Dec").contains("09:00"));
        } finally {
            tools.stop(); // the agent stops: its tools and agenda are gone, the schedule is in the database
        }
        Map<String, Object> stored = db.jdbi().withHandle(h -> h.createQuery(
                "select kind, text, status, thread_id from schedules").mapToMap().one());
        assertThat(stored).containsEntry("kind", "reminder").containsEntry("text", "call the bank").containsEntry("status", "active")
                .containsEntry("thread_id", thread);
        assertThat(said(thread)).as("nothing sent before the time").noneMatch(t -> t.contains("call the bank"));
        java.time.OffsetDateTime due = db.jdbi().withHandle(h -> h.createQuery("select next_fire_at from schedules")
                .mapTo(java.time.OffsetDateTime.class).one());
        assertThat(due.toInstant()).isEqualTo(Instant.parse("2026-12-06T08:00:00Z"));

        // Restarted on the same database, a little before the time: nothing yet; past it: the reminder, once.
        TestClock later = new TestClock(Instant.parse("2026-12-06T07:59:00Z"));
        try (Database restarted = Database.open(db.url(), 4, Optional.empty())) {
            Agenda after = agenda(restarted, later);
            assertThat(after.firing().runOnce()).isZero();
            later.set(Instant.parse("2026-12-06T08:00:05Z"));
            assertThat(after.firing().runOnce()).isEqualTo(1);
            assertThat(after.firing().runOnce()).isZero();
            later.set(Instant.parse("2026-12-07T08:00:05Z"));
            assertThat(after.firing().runOnce()).isZero();
            assertThat(said(thread)).filteredOn(t -> t.contains("call the bank")).hasSize(1);
            String status = db.jdbi().withHandle(h -> h.createQuery("select status from schedules").mapTo(String.class).one());
            assertThat(status).isEqualTo("done");
            boolean late = db.jdbi().withHandle(h -> h.createQuery("select late from schedule_firings").mapTo(Boolean.class).one());
            assertThat(late).as("fired on time, not late").isFalse();
        }
    }
}
