package dev.serveragent.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.claude.ClaudeCommand;
import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.claude.ClaudeRequest.Mode;
import dev.serveragent.claude.RunTools;
import dev.serveragent.memory.MemorySearch;
import dev.serveragent.memory.Notes;
import dev.serveragent.store.NoteRepository;
import dev.serveragent.store.SearchRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's MCP server through the SDK's own client: every tool, bad arguments, credentials of other runs. */
class AgentToolServerTest {
    @AutoClose static final TestDatabase db = TestDatabase.create();
    static final TestClock clock = new TestClock(Instant.parse("2026-03-10T12:00:00Z"));
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path workdir;
    static AgentToolServer server;
    static Notes notes;
    static long thread;
    static long otherThread;
    static long keyMessage;

    @BeforeAll
    static void start() {
        notes = new Notes(new NoteRepository(db.jdbi()), clock);
        MemorySearch search = new MemorySearch(new SearchRepository(db.jdbi()));
        server = new AgentToolServer(List.of(new SearchMemoryTool(search), new ReadMessagesTool(search, clock),
                new RememberTool(notes), new ForgetTool(notes)), workdir, clock);
        server.start();
        thread = newThread(1001);
        otherThread = newThread(2002);
        Instant t = Instant.parse("2026-03-01T08:00:00Z");
        for (int i = 0; i < 60; i++) {
            String text = i == 10 ? "The spare key is under the blue flower pot by the garage" : "message number " + i + " about the weather";
            long id = message(thread, i % 2 == 0 ? "user" : "assistant", text, t.plusSeconds(60L * i));
            if (i == 10) {
                keyMessage = id;
            }
        }
        long voice = message(otherThread, "user", null, t.plusSeconds(30));
        db.jdbi().useHandle(h -> h.execute("""
                insert into message_artifacts (message_id, kind, content_json, status)
                values (?, 'voice_transcript', '{"text": "remind me that the boiler service is due in April"}', 'done')""", voice));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void search_memory_finds_a_message_from_fifty_messages_back_with_its_date_thread_and_id() {
        try (var run = ToolRun.open(server, Mode.QUESTION, thread)) {
            String text = run.ok("search_memory", Map.of("query", "where is the spare key"));
            assertThat(text).contains("[message " + keyMessage + ", user, thread " + thread + " (telegram), 2026-03-01 08:10Z]")
                    .contains("«spare» «key»");
        }
    }

    @Test
    void search_memory_finds_transcripts_by_a_stemmed_word_and_notes() {
        try (var run = ToolRun.open(server, Mode.COMMAND, thread)) {
            assertThat(run.ok("search_memory", Map.of("query", "boilers"))) // 'english' stems boilers -> boiler
                    .contains("[artifact voice_transcript of message").contains("thread " + otherThread);
            assertThat(run.ok("search_memory", Map.of("query", "boiler", "thread_id", otherThread))).contains("voice_transcript");
            assertThat(run.ok("search_memory", Map.of("query", "boiler", "thread_id", thread))).startsWith("No stored message");
            assertThat(run.ok("search_memory", Map.of("query", "weather", "thread_id", thread, "limit", 3)))
                    .startsWith("3 hits").contains("message number 59"); // ties: newest first
            run.ok("remember", Map.of("text", "The Master's dentist is Dr. Okafor, Tuesdays"));
            assertThat(run.ok("search_memory", Map.of("query", "dentist"))).contains("[note ").contains("fact").contains("«dentist»");
            assertThat(run.ok("search_memory", Map.of("query", "zeppelin"))).startsWith("No stored message");
        }
    }

    @Test
    void read_messages_reads_around_a_hit_and_a_date_range_of_the_runs_own_thread() {
        try (var run = ToolRun.open(server, Mode.QUESTION, thread)) {
            String around = run.ok("read_messages", Map.of("message_id", keyMessage, "before", 2, "after", 1));
            assertThat(around).startsWith("4 messages of thread " + thread).contains("message number 8", "spare key", "message number 11")
                    .doesNotContain("message number 7 ", "message number 12");
            String range = run.ok("read_messages", Map.of("from", "2026-03-01T08:20:00Z", "to", "2026-03-01T08:23:00Z"));
            assertThat(range).startsWith("3 messages of thread " + thread).contains("message number 20", "message number 22");
        }
    }

    @Test
    void a_group_chats_run_searches_and_reads_only_that_chat_and_a_private_run_everything() {
        long group = db.jdbi().withHandle(h -> h.createQuery(
                "insert into chat_threads (platform, chat_id, chat_type) values ('telegram', -3003, 'supergroup') returning id")
                .mapTo(Long.class).one());
        long groupMessage = message(group, "user", "the spare tyre is in the group's van", Instant.parse("2026-03-02T09:00:00Z"));
        db.jdbi().useHandle(h -> h.execute("insert into memory_notes (kind, content) values ('fact', 'The spare key opens the shed too')"));
        try (var run = ToolRun.open(server, Mode.QUESTION, group)) {
            String found = run.ok("search_memory", Map.of("query", "spare"));
            assertThat(found).startsWith("1 hits").contains("[message " + groupMessage + ", user, thread " + group)
                    .doesNotContain("key", "[note ", "thread " + thread); // neither the Master's private message nor a note
            assertThat(run.ok("search_memory", Map.of("query", "spare key"))).startsWith("No stored message")
                    .contains("searched this group chat only");
            assertThat(run.ok("search_memory", Map.of("query", "boiler"))).startsWith("No stored message"); // another private chat's transcript
            assertThat(run.error("search_memory", Map.of("query", "spare key", "thread_id", thread)))
                    .contains("in a group chat search_memory searches only this chat (thread " + group + ")");
            assertThat(run.error("read_messages", Map.of("message_id", keyMessage)))
                    .contains("there is no message " + keyMessage + " in this chat");
            assertThat(run.error("read_messages", Map.of("from", "2026-03-01", "thread_id", thread)))
                    .contains("read_messages reads only this chat (thread " + group + ")");
            assertThat(run.ok("read_messages", Map.of("message_id", groupMessage))).startsWith("1 messages of thread " + group);
            assertThat(run.ok("read_messages", Map.of("from", "2026-03-02"))).contains("spare tyre");
        }
        try (var run = ToolRun.open(server, Mode.QUESTION, thread)) { // the Master's private chat: everything
            assertThat(run.ok("search_memory", Map.of("query", "spare")))
                    .contains("[message " + keyMessage + ", user, thread " + thread, "[message " + groupMessage, "[note ");
            assertThat(run.ok("read_messages", Map.of("message_id", groupMessage))).contains("spare tyre");
        }
        try (var run = ToolRun.open(server, Mode.PROACTIVE, null)) { // no chat of its own; it reaches only the Master
            assertThat(run.ok("search_memory", Map.of("query", "spare key"))).contains("[message " + keyMessage);
        }
    }

    @Test
    void remember_puts_a_note_under_what_i_know_and_forget_deletes_it() {
        try (var run = ToolRun.open(server, Mode.COMMAND, thread)) {
            String done = run.ok("remember", Map.of("text", "The wifi password is on the fridge"));
            long id = Long.parseLong(done.replaceAll("\\D", ""));
            assertThat(notes.section()).contains("[" + id + "] (2026-03-10) The wifi password is on the fridge");
            assertThat(run.ok("forget", Map.of("note_id", id))).isEqualTo("Forgot note " + id + ".");
            assertThat(notes.section()).doesNotContain("wifi");
            assertThat(run.error("forget", Map.of("note_id", id))).contains("there is no note " + id);
        }
    }

    @Test
    void bad_arguments_get_a_clear_error_and_write_nothing() {
        try (var run = ToolRun.open(server, Mode.COMMAND, thread)) {
            int before = noteCount();
            assertThat(run.error("remember", Map.of())).contains("required property 'text' not found"); // the SDK checks the schema
            assertThat(run.error("remember", Map.of("text", "  "))).contains("the note is empty");
            assertThat(run.error("remember", Map.of("text", "x".repeat(Notes.MAX_NOTE_CHARS + 1)))).contains("at most 1,000 characters");
            assertThat(run.error("remember", Map.of("text", "a fact", "pinned", true))).contains("pinned");
            assertThat(run.error("remember", Map.of("text", 42))).contains("/text").contains("string");
            assertThat(noteCount()).isEqualTo(before);
            assertThat(run.error("search_memory", Map.of("query", "key", "limit", 0))).contains("/limit: must have a minimum value of 1");
            assertThat(run.error("search_memory", Map.of("query", ""))).contains("'query' is empty");
            assertThat(run.error("read_messages", Map.of())).contains("give message_id");
            assertThat(run.error("read_messages", Map.of("from", "yesterday"))).contains("'from' is not a date");
            assertThat(run.error("read_messages", Map.of("message_id", 999999999))).contains("there is no message 999999999");
            assertThat(run.error("forget", Map.of("note_id", "seven"))).contains("/note_id").contains("integer");
        }
    }

    @Test
    void each_mode_is_listed_and_allowed_only_its_own_tools() {
        try (var run = ToolRun.open(server, Mode.PROACTIVE, null)) {
            assertThat(run.client().listTools().tools().stream().map(McpSchema.Tool::name).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder("search_memory", "read_messages", "remember");
            assertThat(run.error("forget", Map.of("note_id", 1))).isEqualTo("forget is not available to a proactive run");
            // a proactive run has no conversation of its own
            assertThat(run.error("read_messages", Map.of("from", "2026-03-01"))).contains("this proactive run has none");
        }
        try (var run = ToolRun.open(server, Mode.QUESTION, thread)) {
            assertThat(run.client().listTools().tools()).extracting(McpSchema.Tool::name)
                    .containsExactly("search_memory", "read_messages", "remember", "forget");
        }
    }

    @Test
    void a_missing_wrong_or_ended_runs_credential_is_refused_before_any_tool_runs() {
        assertThat(rawStatus(null)).isEqualTo(401);
        assertThat(rawStatus("not-a-credential")).isEqualTo(401);
        assertThatThrownBy(() -> ToolRun.connect(server, "not-a-credential").initialize()).hasStackTraceContaining("Authorization error");
        ToolRun ended = ToolRun.open(server, Mode.COMMAND, thread);
        String token = ended.token();
        ended.close();
        assertThat(server.liveGrants()).isZero();
        int before = noteCount();
        assertThat(rawStatus(token)).isEqualTo(401);
        assertThatThrownBy(() -> ToolRun.connect(server, token).initialize()).hasStackTraceContaining("Authorization error");
        assertThat(noteCount()).isEqualTo(before);
    }

    @Test
    void the_grant_file_is_private_and_the_cli_gets_it_with_the_modes_tools() throws Exception {
        RunTools.Grant grant = server.open(ToolRun.request(Mode.QUESTION, thread));
        try {
            assertThat(Files.getPosixFilePermissions(grant.mcpConfig())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            var config = JSON.readTree(grant.mcpConfig().toFile()).path("mcpServers").path("agent");
            assertThat(config.path("type").asText()).isEqualTo("http");
            assertThat(config.path("url").asText()).startsWith("http://127.0.0.1:").endsWith("/mcp");
            var app = dev.serveragent.config.AppConfig.from(new dev.serveragent.config.Settings(Map.of()));
            ClaudeCommand command = ClaudeCommand.build(Path.of("/usr/bin/claude"), ToolRun.request(Mode.QUESTION, thread),
                    app.claudeCode(), app.anthropic(),
                    new dev.serveragent.claude.Guardrails(List.of("Read"), List.of(), List.of(), List.of(), workdir), Map.of(),
                    java.util.Optional.of(grant));
            String argv = String.join(" ", command.argv());
            assertThat(argv).contains("--mcp-config " + grant.mcpConfig())
                    .contains("--allowedTools Read mcp__agent__search_memory mcp__agent__read_messages mcp__agent__remember mcp__agent__forget")
                    .doesNotContain("Bearer");
        } finally {
            grant.close();
        }
        assertThat(grant.mcpConfig()).doesNotExist();
    }

    @Test
    void the_grant_file_is_deleted_at_the_runs_first_call_and_the_credential_still_works_until_the_run_ends() throws Exception {
        // Review M4: another run of the same user could read the file while it lies on disk; it now lies there only
        // until this run's CLI has read it and called (initialize), not for the whole run.
        RunTools.Grant grant = server.open(ToolRun.request(Mode.COMMAND, thread));
        Path file = grant.mcpConfig();
        String token = JSON.readTree(file.toFile()).path("mcpServers").path("agent").path("headers").path("Authorization").asText()
                .substring("Bearer ".length());
        assertThat(rawStatus("not-a-credential")).isEqualTo(401);
        assertThat(file).exists(); // a wrong credential deletes nothing
        assertThat(rawStatus(token)).isEqualTo(200);
        assertThat(file).doesNotExist();
        assertThat(rawStatus(token)).isEqualTo(200); // the run goes on with the credential it holds in memory
        grant.close();
        assertThat(rawStatus(token)).isEqualTo(401);
    }

    // --- fixtures ---

    /** The HTTP status of a tools/list POST with this credential (none when null). */
    static int rawStatus(String token) {
        var b = HttpRequest.newBuilder(java.net.URI.create(server.url())).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }


    static long newThread(long chatId) {
        return db.jdbi().withHandle(h -> h.createQuery(
                "insert into chat_threads (platform, chat_id) values ('telegram', :c) returning id").bind("c", chatId)
                .mapTo(Long.class).one());
    }

    static long message(long threadId, String role, String text, Instant at) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        insert into chat_messages (thread_id, role, text, created_at, platform_message_id)
                        values (:t, :role, :text, :at, nextval('chat_messages_rev_seq')) returning id""")
                .bind("t", threadId).bind("role", role).bind("text", text).bind("at", at).mapTo(Long.class).one());
    }

    static int noteCount() {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from memory_notes").mapTo(Integer.class).one());
    }
}
