package dev.serveragent.reactive;

import com.anthropic.client.AnthropicClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StructuredMessage;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.serveragent.claude.Usage;
import dev.serveragent.store.ContextRepository.Message;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.function.Supplier;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies with Claude Haiku through the official SDK, forcing the structured output schema of
 * {@link Output}. Timeouts and retries are the client's (bounded where the client is built); any
 * failure — transport, overload, refusal, an answer that does not validate — gives the safe
 * fallback with the reason, and whatever usage the API reported.
 */
public final class HaikuClassifier implements Classifier {
    private static final Logger log = LoggerFactory.getLogger(HaikuClassifier.class);
    static final long MAX_TOKENS = 512;

    /** The JSON the model must produce. */
    public static final class Output {
        @JsonProperty(required = true)
        @JsonPropertyDescription("question | command | other")
        public String intent;

        @JsonProperty(required = true)
        @JsonPropertyDescription("one sentence: what was understood")
        public String summary;

        @JsonProperty(required = true)
        @JsonPropertyDescription("one sentence: what the agent will do")
        public String plan;

        @JsonProperty(value = "needs_confirmation", required = true)
        public boolean needsConfirmation;

        @JsonProperty(required = true)
        @JsonPropertyDescription("0 to 1")
        public double confidence;
    }

    private final AnthropicClient client;
    private final String model;
    private final Supplier<ZonedDateTime> now;

    /** With the time in UTC; {@link #HaikuClassifier(AnthropicClient, String, Supplier)} gives it in the Master's zone. */
    public HaikuClassifier(AnthropicClient client, String model) {
        this(client, model, () -> ZonedDateTime.now(ZoneOffset.UTC));
    }

    /** @param now the current time in the Master's time zone (read at each classification) */
    public HaikuClassifier(AnthropicClient client, String model, Supplier<ZonedDateTime> now) {
        this.client = client;
        this.model = model;
        this.now = now;
    }

    @Override
    public Classification classify(List<Message> context, Message trigger, String channel) {
        StructuredMessage<Output> reply;
        try {
            reply = client.messages().create(MessageCreateParams.builder()
                    .model(model)
                    .maxTokens(MAX_TOKENS)
                    .system(ClassifierPrompt.SYSTEM)
                    .addUserMessage(ClassifierPrompt.user(context, trigger, channel, ClassifierPrompt.current(now)))
                    .outputConfig(Output.class)
                    .build());
        } catch (RuntimeException e) {
            log.warn("Haiku classification failed: {}", e.toString());
            return Classification.fallback("Haiku call failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), Usage.ZERO);
        }
        var u = reply.usage();
        Usage usage = new Usage(u.inputTokens(), u.outputTokens(),
                u.cacheCreationInputTokens().orElse(0L), u.cacheReadInputTokens().orElse(0L));
        try {
            Optional<Output> out = reply.content().stream().flatMap(b -> b.text().stream()).map(t -> t.text()).findFirst();
            if (out.isEmpty()) {
                return Classification.fallback("Haiku returned no text block", usage);
            }
            Output o = out.get();
            return new Classification(o.intent, o.summary, o.plan, o.needsConfirmation, o.confidence, usage, Optional.empty());
        } catch (RuntimeException e) {
            log.warn("Haiku classification did not validate: {}", e.getMessage());
            return Classification.fallback("Haiku answer did not validate: " + e.getMessage(), usage);
        }
    }

    @Override
    public String provider() {
        return "anthropic_api";
    }
}
