package dev.serveragent.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.WebhookApp;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A button press is stored before the webhook answers 200, and its {@code answerCallbackQuery}
 * goes out off the webhook request (issue 18.8): a Bot API that does not answer does not hold
 * the webhook.
 */
class PressAnswerTest {
    @AutoClose
    static final WebhookApp bot = WebhookApp.start();
    static final TestApp app = bot.app();

    @Test
    void a_press_is_acknowledged_at_once_while_the_Bot_API_holds_its_answer() {
        bot.telegram().hold("answerCallbackQuery");
        try {
            long updateId = 8_100_001L;
            String press = TelegramFixtures.press(updateId, 4242, 4242, 77, "a:1");
            HttpResponse<String> r = app.send(HttpRequest.newBuilder(app.uri(TelegramFixtures.WEBHOOK)).timeout(Duration.ofSeconds(5))
                    .header("X-Telegram-Bot-Api-Secret-Token", TelegramFixtures.SECRET).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(press)).build());
            assertThat(r.statusCode()).isEqualTo(200);
            long stored = bot.db().jdbi().withHandle(h -> h.createQuery("select count(*) from telegram_updates where update_id = :id")
                    .bind("id", updateId).mapTo(Long.class).one());
            assertThat(stored).isEqualTo(1);
        } finally {
            bot.telegram().release("answerCallbackQuery");
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                bot.telegram().calls("answerCallbackQuery").stream().anyMatch(c -> "cb8100002".equals(c.param("callback_query_id"))));
    }
}
