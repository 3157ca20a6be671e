package dev.serveragent.media;

import com.anthropic.client.AnthropicClient;
import com.anthropic.models.messages.Base64ImageSource;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.ImageBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.TextBlockParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serveragent.store.LedgerRepository;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Image to JSON ({@code {description, text, objects}}) with Haiku vision. Every call's usage goes
 * to {@code token_ledger} (scope reactive, provider anthropic_api), whatever its outcome.
 */
public final class ImageDescriber {
    static final long MAX_TOKENS = 1024;
    static final String PROMPT = """
            Describe this image for an assistant that cannot see it. Answer with one JSON object and nothing else:
            {"description": "<two or three sentences>", "text": "<all legible text, verbatim, or empty>", "objects": ["<main objects>"]}""";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AnthropicClient client;
    private final String model;
    private final LedgerRepository ledger;
    private final Clock clock;

    public ImageDescriber(AnthropicClient client, String model, LedgerRepository ledger, Clock clock) {
        this.client = client;
        this.model = model;
        this.ledger = ledger;
        this.clock = clock;
    }

    /** The description as a JSON object with {@code description}, {@code text} and {@code objects}. */
    public ObjectNode describe(byte[] image, long messageId) {
        MessageCreateParams params = MessageCreateParams.builder()
                .model(model)
                .maxTokens(MAX_TOKENS)
                .addUserMessageOfContentBlockParams(List.of(
                        ContentBlockParam.ofImage(ImageBlockParam.builder()
                                .source(Base64ImageSource.builder()
                                        .mediaType(mediaType(image))
                                        .data(Base64.getEncoder().encodeToString(image))
                                        .build())
                                .build()),
                        ContentBlockParam.ofText(TextBlockParam.builder().text(PROMPT).build())))
                .build();
        Message response;
        try {
            response = client.messages().create(params);
        } catch (RuntimeException e) {
            throw new MediaException("vision call failed: " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
        var u = response.usage();
        var usage = new LedgerRepository.Tokens(u.inputTokens(), u.outputTokens(),
                u.cacheCreationInputTokens().orElse(0L), u.cacheReadInputTokens().orElse(0L));
        ledger.record(LedgerRepository.Scope.REACTIVE, LedgerRepository.Provider.ANTHROPIC_API, usage,
                Map.of("model", response.model().asString(), "purpose", "image_json", "message_id", messageId),
                OptionalLong.empty(), clock.instant());
        StringBuilder text = new StringBuilder();
        for (ContentBlock block : response.content()) {
            block.text().ifPresent(t -> text.append(t.text()));
        }
        return parse(text.toString());
    }

    /** The model's JSON, tolerating prose or code fences around it; plain prose becomes the description. */
    static ObjectNode parse(String answer) {
        ObjectNode out = JSON.createObjectNode();
        int start = answer.indexOf('{');
        int end = answer.lastIndexOf('}');
        JsonNode parsed = null;
        if (start >= 0 && end > start) {
            try {
                parsed = JSON.readTree(answer.substring(start, end + 1));
            } catch (java.io.IOException e) {
                parsed = null; // not JSON after all: keep the prose below
            }
        }
        if (parsed != null && parsed.isObject()) {
            out.put("description", parsed.path("description").asText(""));
            out.put("text", parsed.path("text").asText(""));
            out.set("objects", parsed.path("objects").isArray() ? parsed.get("objects") : JSON.createArrayNode());
        } else {
            out.put("description", answer.strip());
            out.put("text", "");
            out.set("objects", JSON.createArrayNode());
        }
        return out;
    }

    static Base64ImageSource.MediaType mediaType(byte[] b) {
        if (b.length > 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return Base64ImageSource.MediaType.IMAGE_PNG;
        }
        if (b.length > 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
            return Base64ImageSource.MediaType.IMAGE_GIF;
        }
        if (b.length > 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return Base64ImageSource.MediaType.IMAGE_WEBP;
        }
        return Base64ImageSource.MediaType.IMAGE_JPEG; // Telegram re-encodes photos as JPEG
    }
}
