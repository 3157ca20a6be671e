package dev.serveragent.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.WebhookApp;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** A webhook body is exactly one update: anything after it (issue 18.8) is a 400 and nothing is stored. */
class WebhookTrailingJsonTest {
    @AutoClose
    static final WebhookApp bot = WebhookApp.start();
    static final TestApp app = bot.app();

    @Test
    void an_update_followed_by_more_JSON_is_refused_with_400_and_nothing_is_stored() {
        String[] trailers = {"{\"update_id\":1}", "[]", "1", "\"x\"", "null", "}"};
        for (int i = 0; i < trailers.length; i++) {
            String trailer = trailers[i];
            long id = 7_100_000L + i;
            String body = TelegramFixtures.text(id, 4242, id, "hello") + trailer;
            assertThat(TelegramFixtures.post(app, body).statusCode()).as(trailer).isEqualTo(400);
            assertThat(stored(id)).as(trailer).isZero();
        }
    }

    @Test
    void whitespace_after_the_update_is_still_one_update() {
        long id = 7_200_001L;
        assertThat(TelegramFixtures.post(app, TelegramFixtures.text(id, 4242, id, "hello") + " \r\n").statusCode()).isEqualTo(200);
        assertThat(stored(id)).isEqualTo(1);
    }

    private static int stored(long updateId) {
        return bot.db().jdbi().withHandle(h -> h.createQuery("select count(*) from telegram_updates where update_id = :id")
                .bind("id", updateId).mapTo(Integer.class).one());
    }
}
