package dev.serveragent.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.config.TelegramConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct Bot API {@code sendMessage} to every Master chat, for the deploy's smoke test and report.
 * The deploy runs as its own process while the agent is being swapped, so it cannot use the
 * agent's outbox; its report is stored in {@code deployments.report_text} instead. Plain text,
 * no parse mode. The bot token is never logged (it is part of the URL, so URLs are not logged).
 */
public final class MasterNotifier {
    private static final Logger log = LoggerFactory.getLogger(MasterNotifier.class);
    /** Telegram's limit is 4096; reports are cut below it. */
    static final int MAX_TEXT = 4000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final TelegramConfig telegram;

    public MasterNotifier(TelegramConfig telegram) {
        this.telegram = telegram;
    }

    /** Why nothing can be sent, or empty when Telegram and at least one Master are configured. */
    public Optional<String> unavailable() {
        if (!telegram.enabled()) {
            return Optional.of("Telegram is not configured (TELEGRAM_BOT_TOKEN unset)");
        }
        if (telegram.masterChatIds().isEmpty()) {
            return Optional.of("no Master to tell (MASTER_CHAT_IDS empty)");
        }
        return Optional.empty();
    }

    /** Sends {@code text} to every Master; empty when all accepted it, else the first failure in words. */
    public Optional<String> send(String text) {
        Optional<String> off = unavailable();
        if (off.isPresent()) {
            return off;
        }
        String body = text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "\n…(cut; full report in deployments)";
        for (long chatId : telegram.masterChatIds()) {
            Optional<String> failure = sendOne(chatId, body);
            if (failure.isPresent()) {
                log.warn("Telegram sendMessage to {} failed: {}", chatId, failure.get());
                return failure;
            }
        }
        return Optional.empty();
    }

    private Optional<String> sendOne(long chatId, String text) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("chat_id", chatId);
        payload.put("text", text);
        String base = telegram.apiUrl().toString().replaceFirst("/+$", "");
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/bot" + telegram.botToken().orElseThrow().reveal() + "/sendMessage"))
                    .timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(payload)))
                    .build();
            HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode answer = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
            if (r.statusCode() == 200 && answer.path("ok").asBoolean(false)) {
                return Optional.empty();
            }
            return Optional.of("HTTP " + r.statusCode() + ": " + answer.path("description").asText("no description"));
        } catch (IOException e) {
            return Optional.of(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }
}
