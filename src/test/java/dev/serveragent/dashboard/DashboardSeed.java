package dev.serveragent.dashboard;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jdbi.v3.core.Jdbi;

/**
 * Rows the dashboard shows, written straight into a test database: a Telegram conversation whose
 * voice message has a transcript, a job with its approval, ledger rows (a Claude Code run with
 * its reported cost, a priced Haiku API call, proactive usage spread over the week) and a
 * finished deployment with its report. Every value is fixed so tests can assert on it.
 */
record DashboardSeed(long threadId, long voiceMessageId, long jobId, long deploymentId) {
    static final long CHAT = 4242;
    static final String TRANSCRIPT = "please restart the backup service tonight";
    static final String REPORT = "Deployed abc1234 in 42 s: tests passed, health ok, smoke ok.";
    /** Claude Code's own figure for the reactive run. */
    static final double RUN_COST = 0.42;
    /** 10,000 uncached input and 2,000 output tokens of claude-haiku-4-5 at $1 and $5 per million. */
    static final double HAIKU_COST = 0.02;

    static DashboardSeed into(Jdbi jdbi, Instant now) {
        return jdbi.inTransaction(h -> {
            long thread = h.createQuery("""
                            insert into chat_threads (platform, chat_id, chat_type, title, created_at, updated_at)
                            values ('telegram', :chat, 'private', 'Owner', :t, :t) returning id""")
                    .bind("chat", CHAT).bind("t", now.minusSeconds(600)).mapTo(Long.class).one();
            long voice = h.createQuery("""
                            insert into chat_messages (thread_id, platform_message_id, role, author_user_id, text, created_at, kind, stored_at)
                            values (:th, 7, 'user', :chat, null, :t, 'voice', :t) returning id""")
                    .bind("th", thread).bind("chat", CHAT).bind("t", now.minusSeconds(600)).mapTo(Long.class).one();
            h.createUpdate("""
                            insert into message_artifacts (message_id, kind, content_json, uri, status)
                            values (:m, 'voice_transcript', cast(:json as jsonb), 'blob://voice/7.ogg', 'done')""")
                    .bind("m", voice).bind("json", "{\"text\":\"" + TRANSCRIPT + "\"}").execute();
            h.createUpdate("""
                            insert into chat_messages (thread_id, role, text, created_at, stored_at, kind, send_status, sent_at)
                            values (:th, 'assistant', 'Understood: restart the backup service. Will: restart it tonight.', :t, :t, 'text', 'sent', :t)""")
                    .bind("th", thread).bind("t", now.minusSeconds(598)).execute();
            long job = h.createQuery("""
                            insert into reactive_jobs (thread_id, trigger_message_id, status, mode, created_at, started_at, finished_at)
                            values (:th, :m, 'done', 'execute', :c, :s, :f) returning id""")
                    .bind("th", thread).bind("m", voice).bind("c", now.minusSeconds(600))
                    .bind("s", now.minusSeconds(590)).bind("f", now.minusSeconds(560)).mapTo(Long.class).one();
            h.createUpdate("""
                            insert into approvals (thread_id, job_id, proposal_text, status, created_at, resolved_at, resolved_by)
                            values (:th, :j, 'restart the backup service', 'approved', :c, :r, :chat)""")
                    .bind("th", thread).bind("j", job).bind("c", now.minusSeconds(598)).bind("r", now.minusSeconds(591))
                    .bind("chat", CHAT).execute();
            ledger(h, "reactive", "claude_code", 30_000, 1_000, now.minusSeconds(560),
                    "{\"purpose\":\"execute\",\"cost_usd\":" + RUN_COST + ",\"turns\":3}", job);
            ledger(h, "reactive", "anthropic_api", 10_000, 2_000, now.minusSeconds(599),
                    "{\"purpose\":\"image_json\",\"model\":\"claude-haiku-4-5-20251001\",\"input_tokens\":10000,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":2000}", null);
            for (int d = 1; d < 7; d++) { // proactive usage on each of the six days before today
                ledger(h, "proactive", "claude_code", 100_000L * d, 5_000, now.truncatedTo(ChronoUnit.DAYS).minus(d, ChronoUnit.DAYS).plusSeconds(3600 * 10),
                        "{\"purpose\":\"proactive\",\"cost_usd\":0.5,\"turns\":8}", null);
            }
            long deployment = h.createQuery("""
                            insert into deployments (git_sha, branch, status, started_at, finished_at, report_text, runtime)
                            values ('abc1234', 'main', 'healthy', :s, :f, :r, 'process') returning id""")
                    .bind("s", now.minusSeconds(3600)).bind("f", now.minusSeconds(3558)).bind("r", REPORT).mapTo(Long.class).one();
            return new DashboardSeed(thread, voice, job, deployment);
        });
    }

    private static void ledger(org.jdbi.v3.core.Handle h, String scope, String provider, long in, long out, Instant at, String meta, Long job) {
        h.createUpdate("""
                        insert into token_ledger (scope, provider, tokens_input, tokens_output, tokens_total, created_at, meta_json, job_id)
                        values (:s, :p, :i, :o, :t, :at, cast(:m as jsonb), :j)""")
                .bind("s", scope).bind("p", provider).bind("i", in).bind("o", out).bind("t", in + out).bind("at", at)
                .bind("m", meta).bind("j", job).execute();
    }
}
