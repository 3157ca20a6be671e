package dev.serveragent.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Telegram Bot API access. Without a bot token Telegram is off. With {@code PUBLIC_URL} the agent
 * registers a webhook, otherwise it long-polls. Without {@code TELEGRAM_WEBHOOK_SECRET} the agent
 * generates one once and keeps it in the database.
 */
public record TelegramConfig(
        Optional<Secret> botToken,
        URI apiUrl,
        Optional<Secret> webhookSecret,
        Optional<URI> publicUrl,
        List<Long> masterChatIds) {
    public static final String DEFAULT_API_URL = "https://api.telegram.org";
    /** Telegram's own rule for {@code secret_token}: 1–256 of A–Z, a–z, 0–9, _ and -. */
    private static final Pattern SECRET_TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    public TelegramConfig {
        if (webhookSecret.isPresent() && !SECRET_TOKEN.matcher(webhookSecret.get().reveal()).matches()) {
            throw new ConfigException("TELEGRAM_WEBHOOK_SECRET: must be 1-256 characters of A-Z, a-z, 0-9, _ and -");
        }
        masterChatIds = List.copyOf(masterChatIds);
    }

    static TelegramConfig from(Settings s) {
        return new TelegramConfig(
                s.secret("TELEGRAM_BOT_TOKEN"),
                s.url("TELEGRAM_API_URL", DEFAULT_API_URL),
                s.secret("TELEGRAM_WEBHOOK_SECRET"),
                Optional.ofNullable(s.url("PUBLIC_URL", null)),
                s.longList("MASTER_CHAT_IDS"));
    }

    public boolean enabled() {
        return botToken.isPresent();
    }

    /** Listed in {@code MASTER_CHAT_IDS} (paired Masters are in the database: see {@code masters.Masters}). */
    public boolean isListedMaster(long userId) {
        return masterChatIds.contains(userId);
    }
}
