package dev.serveragent.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.agenda.MasterZone;
import dev.serveragent.agenda.Schedules;
import dev.serveragent.agenda.Tasks;
import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.claude.ClaudeRequest.Mode;
import dev.serveragent.config.AgendaConfig;
import dev.serveragent.store.AgentSettingsRepository;
import dev.serveragent.store.ScheduleRepository;
import dev.serveragent.store.TaskRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agenda tools through the MCP SDK's own client, as a run calls them (docs/AGENDA.md, docs/MEMORY.md). */
class AgendaToolsTest {
    @AutoClose static final TestDatabase db = TestDatabase.create();
    static final TestClock clock = new TestClock(Instant.parse("2026-03-10T12:00:00Z"));
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path workdir;
    static AgentToolServer server;
    static long thread;
    static long otherThread;

    @BeforeAll
    static void start() {
        Tasks tasks = new Tasks(new TaskRepository(db.jdbi()), clock);
        MasterZone zone = new MasterZone(ZoneId.of("Europe/Berlin"), new AgentSettingsRepository(db.jdbi()), clock);
        Schedules schedules = new Schedules(new ScheduleRepository(db.jdbi()), zone,
                new AgendaConfig(ZoneId.of("Europe/Berlin"), AgendaConfig.DEFAULT_TASK_TOKEN_CEILING), clock);
        server = new AgentToolServer(List.of(new ListTasksTool(tasks), new AddTaskTool(tasks),
                new UpdateTaskTool(tasks), new ScheduleTool(schedules), new ListSchedulesTool(schedules),
                new CancelScheduleTool(schedules)), workdir, clock);
        server.start();
        thread = newThread(3003);
        otherThread = newThread(4004);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void a_question_run_sets_reminders_but_no_scheduled_task_and_no_autonomous_task() {
        long thread = newThread(7_400_001L);
        int schedules = count("schedules");
        int tasks = count("tasks");
        try (var run = ToolRun.open(server, Mode.QUESTION, thread)) {
            assertThat(run.error("schedule", Map.of("kind", "task", "text", "restart nginx", "at", "2030-01-01T09:00")))
                    .contains("a question run may set reminders");
            assertThat(run.error("add_task", Map.of("title", "Busy work", "autonomous", true))).contains("only the Master");
            assertThat(count("schedules")).isEqualTo(schedules);
            assertThat(count("tasks")).isEqualTo(tasks);
            assertThat(run.ok("schedule", Map.of("kind", "reminder", "text", "call the bank", "at", "2030-01-01T09:00")))
                    .contains("reminder, once");
        }
    }

    @Test
    void add_list_and_update_a_task() {
        try (var run = ToolRun.open(server, Mode.COMMAND, thread)) {
            String added = run.ok("add_task", Map.of("title", "Renew the TLS certificate", "project", "infra", "priority", 2,
                    "description", "before the 20th"));
            assertThat(added).startsWith("Added task #").contains("[todo] Renew the TLS certificate (project infra, priority 2)");
            long id = Long.parseLong(added.replaceAll("^Added task #(\\d+).*$", "$1"));
            assertThat(run.ok("list_tasks", Map.of("project", "infra")))
                    .contains("#" + id + " [todo] Renew the TLS certificate").contains("description: before the 20th");
            assertThat(run.ok("update_task", Map.of("task_id", id, "status", "done", "notes", "renewed on the 12th")))
                    .isEqualTo("Updated task #" + id + " [done] Renew the TLS certificate (project infra, priority 2)");
            assertThat(run.ok("list_tasks", Map.of("project", "infra"))).isEqualTo("No tasks match.");
            assertThat(run.ok("list_tasks", Map.of("project", "infra", "status", "done"))).contains("notes: renewed on the 12th");
        }
    }

    @Test
    void schedule_a_reminder_list_it_with_its_next_firing_and_cancel_it() {
        try (var run = ToolRun.open(server, Mode.COMMAND, thread)) { // a scheduled task needs a command run (a question run may set reminders only)
            String done = run.ok("schedule", Map.of("kind", "reminder", "text", "call the bank", "at", "2026-03-11T09:00"));
            assertThat(done).startsWith("Scheduled #").endsWith(" reminder, once, Wed 11 Mar 2026 09:00 Europe/Berlin.");
            long id = Long.parseLong(done.replaceAll("^Scheduled #(\\d+).*$", "$1"));
            String daily = run.ok("schedule", Map.of("kind", "task", "text", "check the disk", "cron", "0 7 * * 1-5",
                    "time_zone", "UTC"));
            assertThat(daily).contains(" task, cron '0 7 * * 1-5' (UTC), next Wed 11 Mar 2026 07:00 UTC.");
            String list = run.ok("list_schedules", Map.of());
            assertThat(list).startsWith("2 active schedules")
                    .contains("#" + id + " reminder, once, Wed 11 Mar 2026 09:00 Europe/Berlin: call the bank");
            assertThat(list.indexOf("check the disk")).isLessThan(list.indexOf("call the bank")); // soonest first
            try (var other = ToolRun.open(server, Mode.COMMAND, otherThread)) { // another chat neither sees nor cancels it
                assertThat(other.ok("list_schedules", Map.of())).isEqualTo("No active schedules in this chat.");
                assertThat(other.error("list_schedules", Map.of("thread_id", thread))).contains("only its own chat's schedules");
                assertThat(other.error("cancel_schedule", Map.of("schedule_id", id))).contains("no schedule #" + id + " in this chat");
            }
            assertThat(run.ok("cancel_schedule", Map.of("schedule_id", id))).isEqualTo("Canceled schedule #" + id
                    + " (reminder: call the bank).");
            assertThat(run.ok("list_schedules", Map.of())).startsWith("1 active schedule,").doesNotContain("call the bank");
            try (var proactive = ToolRun.open(server, Mode.PROACTIVE, null)) { // reads a chat it names, as read_messages does
                assertThat(proactive.ok("list_schedules", Map.of("thread_id", thread))).startsWith("1 active schedule,")
                        .contains("check the disk");
            }
            assertThat(run.error("cancel_schedule", Map.of("schedule_id", id))).contains("already canceled");
        }
    }

    @Test
    void bad_arguments_get_a_clear_error_and_write_no_row() {
        try (var run = ToolRun.open(server, Mode.COMMAND, thread)) {
            int schedules = count("schedules");
            int tasks = count("tasks");
            assertThat(run.error("schedule", Map.of("kind", "reminder", "text", "x", "cron", "61 * * * *"))).containsIgnoringCase("cron");
            assertThat(run.error("schedule", Map.of("kind", "reminder", "text", "x", "cron", "* * * * *"))).contains("more often than every 5 minutes");
            assertThat(run.error("schedule", Map.of("kind", "reminder", "text", "x"))).contains("give either 'at'");
            assertThat(run.error("schedule", Map.of("kind", "reminder", "text", "x", "at", "2026-03-01T09:00"))).contains("in the past");
            assertThat(run.error("schedule", Map.of("kind", "reminder", "text", "x", "at", "2026-03-11T09:00", "time_zone", "Mars/Base")))
                    .contains("is not a time zone");
            assertThat(run.error("schedule", Map.of("kind", "alarm", "text", "x", "at", "2026-03-11T09:00"))).contains("/kind");
            assertThat(run.error("schedule", Map.of("kind", "reminder", "text", "x", "at", "2026-03-11T09:00", "repeat", true)))
                    .contains("repeat");
            assertThat(count("schedules")).isEqualTo(schedules);
            assertThat(run.error("update_task", Map.of("task_id", 999999, "status", "done"))).contains("no task #999999");
            assertThat(run.error("update_task", Map.of("task_id", 1))).contains("nothing to change");
            assertThat(run.error("add_task", Map.of("title", "  "))).contains("title is empty");
            assertThat(run.error("add_task", Map.of("title", "x", "status", "maybe"))).contains("/status");
            assertThat(run.error("add_task", Map.of("title", "x", "priority", 1000))).contains("/priority");
            assertThat(run.error("list_tasks", Map.of("status", "someday"))).contains("status must be one of");
            assertThat(count("tasks")).isEqualTo(tasks);
            assertThat(run.error("cancel_schedule", Map.of("schedule_id", 999999))).contains("no schedule #999999 in this chat");
        }
    }

    @Test
    void a_proactive_run_keeps_tasks_but_cannot_schedule_or_cancel() {
        try (var run = ToolRun.open(server, Mode.PROACTIVE, null)) {
            assertThat(run.client().listTools().tools().stream().map(McpSchema.Tool::name).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder("list_tasks", "add_task", "update_task", "list_schedules");
            int schedules = count("schedules");
            assertThat(run.error("schedule", Map.of("kind", "reminder", "text", "x", "at", "2026-03-11T09:00")))
                    .isEqualTo("schedule is not available to a proactive run");
            assertThat(run.error("cancel_schedule", Map.of("schedule_id", 1))).isEqualTo("cancel_schedule is not available to a proactive run");
            assertThat(count("schedules")).isEqualTo(schedules);
            String added = run.ok("add_task", Map.of("title", "Rotate the logs"));
            long id = Long.parseLong(added.replaceAll("^Added task #(\\d+).*$", "$1"));
            assertThat(run.ok("update_task", Map.of("task_id", id, "status", "in_progress"))).contains("[in_progress] Rotate the logs");
            assertThat(run.error("update_task", Map.of("task_id", id, "autonomous", true))).contains("only the Master marks a task autonomous");
            assertThat(run.error("add_task", Map.of("title", "Busy work", "autonomous", true))).contains("only the Master marks");
            assertThat(run.error("list_schedules", Map.of())).contains("this proactive run has none");
            assertThat(run.ok("list_schedules", Map.of("thread_id", otherThread))).isEqualTo("No active schedules in this chat.");
        }
        try (var run = ToolRun.open(server, Mode.QUESTION, thread)) {
            assertThat(run.client().listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("list_tasks", "add_task",
                    "update_task", "schedule", "list_schedules", "cancel_schedule");
        }
    }


    static long newThread(long chatId) {
        return db.jdbi().withHandle(h -> h.createQuery(
                "insert into chat_threads (platform, chat_id) values ('telegram', :c) returning id").bind("c", chatId)
                .mapTo(Long.class).one());
    }

    static int count(String table) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from " + table).mapTo(Integer.class).one());
    }
}
