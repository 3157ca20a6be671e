package dev.serveragent.reactive;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.claude.ClaudeResult;
import dev.serveragent.claude.ClaudeRunner;
import dev.serveragent.store.ContextRepository.Message;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.function.Supplier;
import java.util.Optional;

/**
 * Classifies through the Claude Code CLI with a small model, for operators who have only a
 * Claude subscription (an OAuth token works only through the CLI). Same prompt and validation
 * as {@link HaikuClassifier}; the JSON is taken from the run's final text.
 */
public final class CliClassifier implements Classifier {
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final ClaudeRunner runner;
    private final String model;
    private final Supplier<ZonedDateTime> now;

    public CliClassifier(ClaudeRunner runner, String model) {
        this(runner, model, () -> ZonedDateTime.now(ZoneOffset.UTC));
    }

    /** @param now the current time in the Master's time zone (read at each classification) */
    public CliClassifier(ClaudeRunner runner, String model, Supplier<ZonedDateTime> now) {
        this.runner = runner;
        this.model = model;
        this.now = now;
    }

    @Override
    public Classification classify(List<Message> context, Message trigger, String channel) {
        String prompt = ClassifierPrompt.user(context, trigger, channel, ClassifierPrompt.current(now)) + """

                Reply with exactly one JSON object and nothing else:
                {"intent": "question|command|other", "summary": "...", "plan": "...", "needs_confirmation": true|false, "confidence": 0.0-1.0}
                """;
        ClaudeResult result;
        try {
            result = runner.start(ClaudeRequest.of(prompt, ClassifierPrompt.SYSTEM, ClaudeRequest.Mode.CLASSIFY, TIMEOUT)
                    .withModel(model).withMaxTurns(1)).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Classification.fallback("classification interrupted", dev.serveragent.claude.Usage.ZERO);
        }
        if (!(result instanceof ClaudeResult.Completed done)) {
            return Classification.fallback("Claude Code classification failed: " + ((ClaudeResult.Failed) result).message(), result.usage());
        }
        try {
            String text = done.text();
            int from = text.indexOf('{');
            int to = text.lastIndexOf('}');
            if (from < 0 || to < from) {
                return Classification.fallback("Claude Code answer held no JSON object", result.usage());
            }
            HaikuClassifier.Output o = JSON.readValue(text.substring(from, to + 1), HaikuClassifier.Output.class);
            return new Classification(o.intent, o.summary, o.plan, o.needsConfirmation, o.confidence, result.usage(), Optional.empty());
        } catch (java.io.IOException | RuntimeException e) {
            return Classification.fallback("Claude Code answer did not validate: " + e.getMessage(), result.usage());
        }
    }

    @Override
    public String provider() {
        return "claude_code";
    }
}
