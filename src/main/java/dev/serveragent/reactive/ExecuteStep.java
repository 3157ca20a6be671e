package dev.serveragent.reactive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.channel.ChannelActions;
import dev.serveragent.channel.Outbox;
import dev.serveragent.claude.ClaudeEvent;
import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.claude.ClaudeResult;
import dev.serveragent.claude.ClaudeRun;
import dev.serveragent.claude.ClaudeRunner;
import dev.serveragent.claude.Usage;
import dev.serveragent.config.ReactiveConfig;
import dev.serveragent.store.ApprovalRepository;
import dev.serveragent.store.ContextRepository.Message;
import dev.serveragent.store.JobRepository.Job;
import dev.serveragent.store.JobMode;
import dev.serveragent.store.LedgerRepository;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Answers a question or carries out an approved command with Claude Code, then stores and sends
 * the result. A run still going after {@link ReactiveConfig#progressAfter()} gets one status
 * message that is edited as it goes (never a flood). Runs can be canceled by job id.
 */
final class ExecuteStep {
    /** A run above this many tokens is reported to the Master. */
    static final long LARGE_RUN_TOKENS = 100_000;
    /** Status edits at most this often. */
    static final Duration EDIT_EVERY = Duration.ofSeconds(5);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApprovalRepository approvals;
    private final LedgerRepository ledger;
    private final ClaudeRunner runner;
    private final ExecutionPrompts prompts;
    private final Outbox outbox;
    private final ChannelActions channels;
    private final ReactiveConfig config;
    private final Clock clock;
    private final Map<Long, ClaudeRun> running = new ConcurrentHashMap<>();

    ExecuteStep(ApprovalRepository approvals, LedgerRepository ledger, ClaudeRunner runner,
            ExecutionPrompts prompts, Outbox outbox, ChannelActions channels, ReactiveConfig config, Clock clock) {
        this.approvals = approvals;
        this.ledger = ledger;
        this.runner = runner;
        this.prompts = prompts;
        this.outbox = outbox;
        this.channels = channels;
        this.config = config;
        this.clock = clock;
    }

    Outcome run(Job job, List<Message> recent, String channel) throws InterruptedException {
        JsonNode c = classification(job);
        String intent = c.path("intent").asText("other");
        ClaudeRequest.Mode mode = job.mode() == JobMode.EXECUTE ? ClaudeRequest.Mode.COMMAND : ClaudeRequest.Mode.QUESTION;
        String user = prompts.user(job.threadId(), recent, intent, c.path("summary").asText(""), c.path("plan").asText(""),
                approvals.lastApprovedPlan(job.threadId()), channel);
        Progress progress = new Progress(job.threadId());
        ClaudeRequest request = prompts.request(user, prompts.system(mode), mode).withOnEvent(progress::onEvent)
                .withThread(job.threadId()); // the agent's tools let the run send only here
        JsonNode payload = payload(job);
        if (payload.path("token_ceiling").canConvertToLong() && payload.path("token_ceiling").asLong() > 0) {
            // A scheduled task's own ceiling (agenda.ScheduleFiring): the run stops once past it.
            request = request.withTokenCeiling(payload.path("token_ceiling").asLong());
        }

        ClaudeRun run = runner.start(request);
        running.put(job.id(), run);
        ClaudeResult result;
        try {
            result = awaitWithProgress(run, progress);
        } finally {
            running.remove(job.id());
        }

        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("purpose", job.mode().sqlName());
        if (payload.has("origin")) {
            meta.put("origin", payload.path("origin").asText());
            if (payload.has("schedule_id")) {
                meta.put("schedule_id", payload.path("schedule_id").asLong());
            }
        }
        result.sessionId().ifPresent(s -> meta.put("session_id", s));
        if (result instanceof ClaudeResult.Completed done) {
            meta.put("cost_usd", done.costUsd());
            meta.put("turns", done.turns());
        }
        long total = result.usage().totalTokens();
        if (total > LARGE_RUN_TOKENS) {
            meta.put("large_run", true);
        }
        ledger.record(LedgerRepository.Scope.REACTIVE, LedgerRepository.Provider.CLAUDE_CODE, ledgerTokens(result.usage()), meta,
                OptionalLong.of(job.id()), clock.instant());
        progress.finish(result);

        return switch (result) {
            case ClaudeResult.Completed done -> {
                if (done.text().isBlank()) {
                    outbox.send(job.threadId(), "(Claude Code finished without a reply.)");
                } else {
                    outbox.sendMarkdown(job.threadId(), done.text()); // the model writes Markdown
                }
                if (total > LARGE_RUN_TOKENS) {
                    outbox.send(job.threadId(), "Note: this run used " + total + " tokens (over " + LARGE_RUN_TOKENS + ").");
                }
                yield new Outcome.Done(null);
            }
            case ClaudeResult.Failed f when f.kind() == ClaudeResult.Kind.CANCELED -> new Outcome.Canceled("canceled by the Master");
            case ClaudeResult.Failed f -> {
                outbox.send(job.threadId(), "Sorry, I could not finish: " + f.message()
                        + (total > LARGE_RUN_TOKENS ? " (the attempt used " + total + " tokens)" : ""));
                yield new Outcome.Failed(f.kind() + ": " + f.message());
            }
        };
    }

    /** A run's usage as the ledger stores it (the store knows no model client). */
    static LedgerRepository.Tokens ledgerTokens(Usage u) {
        return new LedgerRepository.Tokens(u.inputTokens(), u.outputTokens(), u.cacheCreationInputTokens(), u.cacheReadInputTokens());
    }

    /** Kills the run of a job, if this replica is running it. */
    boolean cancel(long jobId) {
        ClaudeRun run = running.get(jobId);
        if (run == null) {
            return false;
        }
        run.cancel();
        return true;
    }

    private ClaudeResult awaitWithProgress(ClaudeRun run, Progress progress) throws InterruptedException {
        Optional<ClaudeResult> result = run.await(config.progressAfter());
        while (result.isEmpty()) {
            progress.tick();
            result = run.await(EDIT_EVERY);
        }
        return result.get();
    }

    private static JsonNode classification(Job job) {
        return payload(job).path("classification");
    }

    private static JsonNode payload(Job job) {
        try {
            return JSON.readTree(job.payloadJson() == null ? "{}" : job.payloadJson());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** One status message per run, created late and edited in place. */
    private final class Progress {
        private final long threadId;
        private final Instant started = clock.instant();
        private final AtomicReference<String> lastStep = new AtomicReference<>("thinking");
        private Long statusMessageId;
        private String lastShown;

        Progress(long threadId) {
            this.threadId = threadId;
        }

        void onEvent(ClaudeEvent e) {
            if (e instanceof ClaudeEvent.ToolUse t) {
                lastStep.set("using " + t.toolName());
            }
        }

        void tick() {
            String text = "Working on it (" + elapsed() + " s, " + lastStep.get() + ")…";
            if (statusMessageId == null) {
                statusMessageId = outbox.send(threadId, text).getLast();
            } else if (!text.equals(lastShown)) {
                edit(text);
            }
            lastShown = text;
        }

        void finish(ClaudeResult result) {
            if (statusMessageId != null) {
                edit((result instanceof ClaudeResult.Completed ? "Done" : "Stopped") + " after " + elapsed() + " s.");
            }
        }

        private void edit(String text) {
            // Stored first; a status message not sent yet goes out with this text.
            channels.edit(statusMessageId, text);
        }

        private long elapsed() {
            return Duration.between(started, clock.instant()).toSeconds();
        }
    }
}
