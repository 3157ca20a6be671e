package dev.serveragent.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Real Bot API update JSON from {@code src/test/resources/telegram/}, a test bot's environment,
 * and posting to the webhook as Telegram does.
 */
public final class TelegramFixtures {
    public static final String TOKEN = "123456789:AAtest-Token_for-the-fake";
    public static final String SECRET = "webhook-Secret_42";
    public static final String WEBHOOK = "/telegram/webhook";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TelegramFixtures() {}

    /** The fixture {@code name} (without .json). */
    public static String update(String name) {
        try (InputStream in = TelegramFixtures.class.getResourceAsStream("/telegram/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture with another update_id and, for message kinds, another message_id. */
    public static String update(String name, long updateId, long messageId) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(update(name));
            root.put("update_id", updateId);
            for (String kind : new String[] {"message", "edited_message", "channel_post", "edited_channel_post"}) {
                if (root.has(kind)) {
                    ((ObjectNode) root.get(kind)).put("message_id", messageId);
                }
            }
            return root.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A text message update in a private chat. */
    public static String text(long updateId, long chatId, long messageId, String text) {
        return "{\"update_id\":" + updateId + ",\"message\":{\"message_id\":" + messageId
                + ",\"from\":{\"id\":" + chatId + ",\"is_bot\":false,\"first_name\":\"Ada\"},"
                + "\"chat\":{\"id\":" + chatId + ",\"first_name\":\"Ada\",\"type\":\"private\"},"
                + "\"date\":1764064800,\"text\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(text) + "}}";
    }

    /** A press of an inline button by {@code from} in private chat {@code chat}, on bot message {@code messageId}. */
    public static String press(long updateId, long chat, long from, long messageId, String data) {
        return "{\"update_id\":" + updateId + ",\"callback_query\":{\"id\":\"cb" + (updateId + 1)
                + "\",\"from\":{\"id\":" + from + ",\"is_bot\":false,\"first_name\":\"X\"},\"message\":{\"message_id\":" + messageId
                + ",\"from\":{\"id\":1,\"is_bot\":true,\"first_name\":\"Agent\"},\"chat\":{\"id\":" + chat
                + ",\"type\":\"private\"},\"date\":1764064810,\"text\":\"Understood\"},\"chat_instance\":\"1\",\"data\":\"" + data + "\"}}";
    }

    /** The sender of the recorded updates under {@code telegram/}: the Master of {@link #env}. */
    public static final long FIXTURE_MASTER = 4242;

    /**
     * Environment of a bot talking to {@code telegram}, in webhook mode unless {@code publicUrl}
     * is null, whose Master is {@link #FIXTURE_MASTER}.
     */
    public static Map<String, String> env(FakeTelegram telegram, String publicUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("MASTER_CHAT_IDS", Long.toString(FIXTURE_MASTER));
        env.put("TELEGRAM_BOT_TOKEN", TOKEN);
        env.put("TELEGRAM_WEBHOOK_SECRET", SECRET);
        env.put("TELEGRAM_API_URL", telegram.url());
        if (publicUrl != null) {
            env.put("PUBLIC_URL", publicUrl);
        }
        return env;
    }

    public static HttpResponse<String> post(TestApp app, String body) {
        return app.post(WEBHOOK, body, Map.of("X-Telegram-Bot-Api-Secret-Token", SECRET, "Content-Type", "application/json"));
    }
}
