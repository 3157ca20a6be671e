package dev.serveragent.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.claude.ClaudeResult.Completed;
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
import java.util.List;
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
            ClaudeCodeRunner runner = RealCli.runner(dir, workdir, api, tools);

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

    /**
     * The real CLI, in a command run, makes a file with Bash, then calls {@code mcp__agent__send_file};
     * the outbox's Telegram sender uploads it, and the fake Bot API receives a multipart
     * sendDocument with that file's name and bytes.
     */
    @Test
    void the_cli_makes_a_file_and_send_file_delivers_it_to_telegram_as_a_document() throws Exception {
        long thread = db.jdbi().withHandle(h -> h.createQuery(
                "insert into chat_threads (platform, chat_id) values ('telegram', 78) returning id").mapTo(Long.class).one());
        Path workdir = Files.createDirectories(dir.resolve("workspace"));
        java.time.Clock clock = Clock.systemUTC();
        var blobs = new dev.serveragent.media.FilesystemBlobStore(dir.resolve("blobs"));
        var outboxRepository = new dev.serveragent.store.OutboxRepository(db.jdbi());
        try (dev.serveragent.testing.FakeTelegram telegram = dev.serveragent.testing.FakeTelegram.start(
                dev.serveragent.testing.TelegramFixtures.TOKEN); FakeMessagesApi api = new FakeMessagesApi()) {
            var bot = new com.pengrad.telegrambot.TelegramBot.Builder(dev.serveragent.testing.TelegramFixtures.TOKEN)
                    .okHttpClient(dev.serveragent.telegram.BotApiHttp.client(Duration.ofSeconds(5), Duration.ofSeconds(20)))
                    .apiUrl(telegram.url() + "/bot").build();
            var sender = new dev.serveragent.telegram.OutboxSender(outboxRepository,
                    new dev.serveragent.telegram.SendPaceRepository(db.jdbi()), bot, clock,
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), blobs);
            dev.serveragent.channel.Channel telegramChannel = new dev.serveragent.channel.Channel() {
                public boolean takesFiles() {
                return true;
            }

            public String platform() {
                    return dev.serveragent.channel.Channel.TELEGRAM;
                }

                public String describe() {
                    return "Telegram";
                }

                public dev.serveragent.store.OutboxRepository.Delivery delivery() {
                    return dev.serveragent.store.OutboxRepository.Delivery.SENDER;
                }

                public void answerPress(dev.serveragent.channel.Press press, String text) {}

                public void edited(long chatId, long platformMessageId, String text) {}

                public void buttonRemoved(long chatId, long platformMessageId) {}

                public void wake() {
                    sender.wake();
                }
            };
            var outbox = new dev.serveragent.channel.StoredOutbox(outboxRepository, new dev.serveragent.channel.Channels(
                    List.of(telegramChannel), new dev.serveragent.store.MessageRepository(db.jdbi()), clock), clock, blobs);
            AgentToolServer tools = new AgentToolServer(List.of(new dev.serveragent.mcp.SendFileTool(outbox)), workdir, clock);
            tools.start();
            sender.start();
            try {
                api.scriptedSteps = List.of(
                        new String[] {"Bash", "{\"command\":\"mkdir -p reports && printf 'host,disk\\\\nalpha,91%%\\\\n' > reports/disk.csv\"}"},
                        new String[] {"mcp__agent__send_file", "{\"path\":\"reports/disk.csv\",\"caption\":\"Disk usage\"}"});
                ClaudeCodeRunner runner = RealCli.runner(dir, workdir, api, tools);

                ClaudeResult r = runner.start(runner.request("Make the disk report and send it to me.", "", ClaudeRequest.Mode.COMMAND)
                        .withThread(thread)).await(Duration.ofSeconds(120)).orElseThrow();

                assertThat(api.offeredTools).contains("mcp__agent__send_file", "Bash");
                byte[] made = Files.readAllBytes(workdir.resolve("reports/disk.csv"));
                assertThat(new String(made, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("host,disk\nalpha,91%\n");
                assertThat(r).isInstanceOfSatisfying(Completed.class, done -> assertThat(done.text())
                        .startsWith("Done: Sent reports/disk.csv (").contains("as a document"));
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !telegram.calls("sendDocument").isEmpty());
                var call = telegram.calls("sendDocument").getFirst();
                assertThat(call.param("chat_id")).isEqualTo("78");
                assertThat(call.param("caption")).isEqualTo("Disk usage");
                assertThat(call.file("document").fileName()).isEqualTo("disk.csv");
                assertThat(call.file("document").bytes()).isEqualTo(made);
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> db.jdbi().withHandle(h -> h.createQuery(
                        "select count(*) from chat_messages where thread_id = :t and kind = 'document' and send_status = 'sent'")
                        .bind("t", thread).mapTo(Integer.class).one()) == 1);
                assertThat(tools.liveGrants()).isZero();
            } finally {
                sender.stop();
                tools.stop();
                bot.shutdown();
            }
        }
    }
}
