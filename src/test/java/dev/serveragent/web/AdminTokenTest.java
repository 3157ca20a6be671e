package dev.serveragent.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serveragent.config.AppConfig;
import dev.serveragent.config.ConfigException;
import dev.serveragent.config.Settings;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADMIN_TOKEN (issue 18.5): a weak one refuses to start and says how to make one; every way of
 * presenting it shares one throttle of wrong guesses; and nobody's wrong guesses, however many,
 * lock the owner's right token out.
 */
class AdminTokenTest {
    static final String TOKEN = "c0ffee5e7a11b0a7d00dfeedfacecafe0123456789abcdef";

    @AutoClose
    static final TestDatabase db = TestDatabase.create();

    @TempDir
    Path dir;

    @Test
    void a_spray_from_more_addresses_than_remembered_is_throttled_without_growing_memory_and_the_right_token_still_works() {
        String right = "spray-admin-token-abcdef0123456789XYZ";
        TokenThrottle throttle = new TokenThrottle(dev.serveragent.config.Secret.of(right), Clock.systemUTC());
        for (int i = 0; i < TokenThrottle.MAX_CLIENTS; i++) {
            assertThat(throttle.verify("10.0." + (i / 250) + "." + (i % 250), "guess")).isEqualTo(TokenThrottle.Verdict.WRONG);
        }
        assertThat(throttle.verify("192.0.2.1", "guess")).as("a new address past the cap").isEqualTo(TokenThrottle.Verdict.THROTTLED);
        assertThat(throttle.verify("192.0.2.1", right)).isEqualTo(TokenThrottle.Verdict.ACCEPTED);
        assertThat(throttle.verify("10.0.0.1", "guess")).as("a remembered address is still counted").isEqualTo(TokenThrottle.Verdict.WRONG);
    }

    @Test
    void a_weak_ADMIN_TOKEN_refuses_to_start_and_says_how_to_make_a_strong_one() {
        for (String weak : new String[] {"admin-secret", "changeme", "Zq3v8LkP0wXy7TbN2mRc5HdJ9sFa4Gu", "01234567890123456789012345678901",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "abababababababababababababababab"}) {
            assertThatThrownBy(() -> AppConfig.from(new Settings(Map.of("ADMIN_TOKEN", weak))))
                    .as(weak)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("ADMIN_TOKEN is too weak")
                    .hasMessageContaining("openssl rand -hex 32")
                    .hasMessageNotContaining(weak);
        }
    }

    @Test
    void a_token_made_as_the_message_says_and_other_long_random_ones_are_accepted() {
        for (String strong : new String[] {TOKEN, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "Zq3v8LkP0wXy7TbN2mRc5HdJ9sFa4GuE", "correct-horse-battery-staple-violet-9"}) {
            assertThat(AppConfig.from(new Settings(Map.of("ADMIN_TOKEN", strong))).http().adminToken()).as(strong).isPresent();
        }
    }

    @Test
    void wrong_bearer_tokens_are_throttled_and_share_one_count_with_the_login_form() {
        try (TestApp app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", TOKEN), Clock.systemUTC())) {
            for (int i = 0; i < TokenThrottle.MAX_FAILURES / 2; i++) {
                assertThat(bearer(app, "wrong-" + i).statusCode()).isEqualTo(401);
                assertThat(LoginTest.postForm(app, "token=wrong-form-" + i).statusCode()).isEqualTo(401);
            }
            HttpResponse<String> throttled = bearer(app, "wrong-again");
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(throttled.headers().firstValue("Retry-After")).hasValueSatisfying(s -> assertThat(Long.parseLong(s)).isPositive());
            assertThat(LoginTest.postForm(app, "token=wrong-form-again").statusCode()).isEqualTo(429);
        }
    }

    @Test
    void a_flood_of_wrong_guesses_from_the_owners_address_does_not_lock_out_the_right_token() {
        try (TestApp app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", TOKEN), Clock.systemUTC())) {
            for (int i = 0; i < 100; i++) {
                assertThat(bearer(app, "guess-" + i).statusCode()).isIn(401, 429);
            }
            assertThat(bearer(app, "guess-last").statusCode()).isEqualTo(429);
            assertThat(bearer(app, TOKEN).statusCode()).isEqualTo(200);
            HttpResponse<String> login = LoginTest.postForm(app, "token=" + TOKEN + "&next=%2Fadmin");
            assertThat(login.statusCode()).isEqualTo(303);
            assertThat(login.headers().firstValue("Location")).hasValue("/admin");
        }
    }

    private static HttpResponse<String> bearer(TestApp app, String token) {
        return app.send(HttpRequest.newBuilder(app.uri("/admin/api/threads")).header("Authorization", "Bearer " + token).build());
    }
}
