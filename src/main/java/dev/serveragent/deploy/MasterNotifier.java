package dev.serveragent.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.config.TelegramConfig;
import dev.serveragent.masters.Masters;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct Bot API {@code sendMessage} to every Telegram Master ({@link Masters#recipients()} of
 * the Masters it is given, which name Telegram's alone: the listed ones and the paired ones, read from the database at each send, so a Master paired
 * or revoked while the agent ran is told or not told), for the deploy's smoke test and report.
 * The deploy runs as its own process while the agent is being swapped, so it cannot use the
 * agent's outbox; its report is stored in {@code deployments.report_text} instead. Plain text,
 * no parse mode. The bot token is never logged (it is part of the URL, so URLs are not logged).
 */
public final class MasterNotifier {
    private static final Logger log = LoggerFactory.getLogger(MasterNotifier.class);
    /** Telegram's limit is 4096; reports are cut below it. */
    static final int MAX_TEXT = 4000;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The shared connection rule (OutgoingHttp): reports go out minutes apart, after Telegram may have dropped the connection. */
    private static final okhttp3.OkHttpClient HTTP = dev.serveragent.net.OutgoingHttp.builder(Duration.ofSeconds(5), Duration.ofSeconds(15))
            .callTimeout(Duration.ofSeconds(15)).build();

    private static final String NO_TELEGRAM = "Telegram is not configured (TELEGRAM_BOT_TOKEN unset)";
    private static final String NO_MASTER = "no Master to tell (MASTER_CHAT_IDS empty and none paired)";

    private final TelegramConfig telegram;
    private final Masters masters;

    /** @param masters the Masters of Telegram's naming only ({@code TelegramModule.masterNaming}) */
    public MasterNotifier(TelegramConfig telegram, Masters masters) {
        this.telegram = telegram;
        this.masters = masters;
    }

    /** Why nothing can be sent, or empty when Telegram and at least one Master are known. */
    public Optional<String> unavailable() {
        if (!telegram.enabled()) {
            return Optional.of(NO_TELEGRAM);
        }
        return recipients().isEmpty() ? Optional.of(NO_MASTER) : Optional.empty();
    }

    /** Sends {@code text} to every Master; empty when all accepted it, else the first failure in words. */
    public Optional<String> send(String text) {
        if (!telegram.enabled()) {
            return Optional.of(NO_TELEGRAM);
        }
        List<Long> recipients = recipients();
        if (recipients.isEmpty()) {
            return Optional.of(NO_MASTER);
        }
        String body = text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "\n…(cut; full report in deployments)";
        for (long chatId : recipients) {
            Optional<String> failure = sendOne(chatId, body);
            if (failure.isPresent()) {
                log.warn("Telegram sendMessage to {} failed: {}", chatId, failure.get());
                return failure;
            }
        }
        return Optional.empty();
    }

    /**
     * The Masters to tell. When the paired ones cannot be read (a database older than pairing,
     * or one that is down), the listed ones are still told: a report must not be lost for it.
     */
    private List<Long> recipients() {
        try {
            return masters.recipients();
        } catch (RuntimeException e) {
            log.warn("Paired Masters not read ({}); telling those of MASTER_CHAT_IDS only", e.getMessage());
            return telegram.masterChatIds().stream().distinct().toList();
        }
    }

    private Optional<String> sendOne(long chatId, String text) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("chat_id", chatId);
        payload.put("text", text);
        String base = telegram.apiUrl().toString().replaceFirst("/+$", "");
        try {
            okhttp3.Request req = new okhttp3.Request.Builder().url(base + "/bot" + telegram.botToken().orElseThrow().reveal() + "/sendMessage")
                    .post(okhttp3.RequestBody.create(JSON.writeValueAsString(payload), okhttp3.MediaType.get("application/json")))
                    .build();
            try (okhttp3.Response r = HTTP.newCall(req).execute()) {
                String body = r.body().string();
                JsonNode answer = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
                if (r.code() == 200 && answer.path("ok").asBoolean(false)) {
                    return Optional.empty();
                }
                return Optional.of("HTTP " + r.code() + ": " + answer.path("description").asText("no description"));
            }
        } catch (IOException e) {
            return Optional.of(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}
