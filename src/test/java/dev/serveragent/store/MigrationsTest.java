package dev.serveragent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serveragent.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MigrationsTest {
    TestDatabase db;

    @BeforeEach
    void create() {
        db = TestDatabase.createEmpty();
    }

    @AfterEach
    void drop() {
        db.close();
    }

    /** SPEC.md §3.1, column for column. */
    static final Map<String, Set<String>> SPEC = Map.of(
            "chat_threads", Set.of("id", "platform", "chat_id", "created_at", "updated_at"),
            "chat_messages", Set.of("id", "thread_id", "platform_message_id", "role", "author_user_id", "text", "created_at", "raw_payload"),
            "message_artifacts", Set.of("id", "message_id", "kind", "content_json", "uri", "created_at"),
            "reactive_jobs", Set.of("id", "thread_id", "trigger_message_id", "status", "mode", "payload_json", "created_at", "started_at", "finished_at"),
            "approvals", Set.of("id", "thread_id", "job_id", "proposal_text", "status", "created_at", "resolved_at"),
            "token_ledger", Set.of("id", "scope", "provider", "tokens_input", "tokens_output", "tokens_total", "created_at", "meta_json"),
            "deployments", Set.of("id", "git_sha", "branch", "status", "started_at", "finished_at", "report_text"),
            "projects", Set.of("id", "name", "status"),
            "tasks", Set.of("id", "project_id", "title", "status"));

    @Test
    void migrations_apply_to_an_empty_database_then_rerun_as_a_no_op() {
        assertThat(db.database().migrate().migrationsExecuted).isGreaterThan(0);
        assertThat(db.database().migrate().migrationsExecuted).isZero();
        assertThat(db.database().notReadyReason()).isEmpty();

        for (var table : SPEC.entrySet()) {
            Set<String> columns = db.jdbi().withHandle(h -> h.createQuery(
                            "select column_name from information_schema.columns where table_schema = 'public' and table_name = :t")
                    .bind("t", table.getKey()).mapTo(String.class).collect(Collectors.toSet()));
            assertThat(columns).as("columns of %s", table.getKey()).containsAll(table.getValue());
        }

        // The enum values of the spec are enforced; the spec's own values are accepted.
        db.jdbi().useHandle(h -> {
            long thread = h.createQuery("insert into chat_threads (platform, chat_id) values ('telegram', 42) returning id").mapTo(Long.class).one();
            for (String role : List.of("user", "assistant", "system")) {
                h.execute("insert into chat_messages (thread_id, role, text, created_at) values (?, ?, 'x', now())", thread, role);
            }
            assertThatThrownBy(() -> h.execute("insert into chat_messages (thread_id, role, text, created_at) values (?, 'robot', 'x', now())", thread))
                    .hasMessageContaining("chat_messages_role_check");
            assertThatThrownBy(() -> h.execute("insert into chat_threads (platform, chat_id) values ('telegram', 42)"))
                    .hasMessageContaining("duplicate key");
            for (String scope : List.of("proactive", "reactive")) {
                for (String provider : List.of("claude_code", "anthropic_api", "other")) {
                    h.execute("insert into token_ledger (scope, provider, tokens_input, tokens_output, tokens_total) values (?, ?, 1, 2, 3)", scope, provider);
                }
            }
            assertThatThrownBy(() -> h.execute("insert into token_ledger (scope, provider, tokens_input, tokens_output, tokens_total) values ('reactive', 'other', 1, 2, 4)"))
                    .hasMessageContaining("token_ledger_total_is_sum");
            for (String status : List.of("building", "testing", "deploying", "healthy", "rolled_back", "failed")) {
                h.execute("insert into deployments (git_sha, branch, status) values ('abc', 'main', ?)", status);
            }
            long msg = h.createQuery("select min(id) from chat_messages").mapTo(Long.class).one();
            for (String kind : List.of("voice_transcript", "image_json", "ocr_text", "file_meta", "tool_result")) {
                h.execute("insert into message_artifacts (message_id, kind) values (?, ?)", msg, kind);
            }
            for (String status : List.of("queued", "running", "done", "failed", "canceled")) {
                for (String mode : List.of("classify", "plan", "execute", "answer")) {
                    long job = h.createQuery("insert into reactive_jobs (thread_id, trigger_message_id, status, mode) values (?, ?, ?, ?) returning id")
                            .bind(0, thread).bind(1, msg).bind(2, status).bind(3, mode).mapTo(Long.class).one();
                    if (mode.equals("classify")) {
                        for (String a : List.of("pending", "approved", "rejected", "superseded")) {
                            h.execute("insert into approvals (thread_id, job_id, proposal_text, status) values (?, ?, 'p', ?)", thread, job, a);
                        }
                    }
                }
            }
        });
    }

    @Test
    void the_index_for_the_last_messages_of_a_thread_exists() {
        db.database().migrate();
        List<String> indexes = db.jdbi().withHandle(h -> h.createQuery(
                "select indexdef from pg_indexes where tablename = 'chat_messages'").mapTo(String.class).list());
        assertThat(indexes).anyMatch(i -> i.contains("(thread_id, created_at DESC"));
    }

    @Test
    void cancelling_a_threads_waiting_job_does_not_walk_its_job_history() {
        db.database().migrate();
        String plan = db.jdbi().withHandle(h -> {
            long thread = h.createQuery("insert into chat_threads (platform, chat_id) values ('telegram', 42) returning id")
                    .mapTo(Long.class).one();
            h.createUpdate("insert into reactive_jobs (thread_id, status) select :thread, 'done' from generate_series(1, 2000)")
                    .bind("thread", thread).execute();
            h.execute("analyze reactive_jobs");
            // The statement every ingested message runs (IngestRepository), planned on a long history.
            return String.join("\n", h.createQuery("""
                            explain update reactive_jobs set status = 'canceled', finished_at = now()
                            where thread_id = :thread and status = 'awaiting_approval'""")
                    .bind("thread", thread).mapTo(String.class).list());
        });
        assertThat(plan).contains("reactive_jobs_waiting_thread_idx");
    }
}
