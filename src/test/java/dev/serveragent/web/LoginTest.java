package dev.serveragent.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ADMIN_TOKEN login shared by the console and the dashboard, on the real application. */
class LoginTest {
    static final String TOKEN = "admin-token-for-tests-0123456789";

    @AutoClose
    static final TestDatabase db = TestDatabase.create();

    @TempDir
    Path dir;

    @Test
    void the_right_token_starts_an_HttpOnly_SameSite_session_and_goes_back_to_the_page() {
        try (TestApp app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", TOKEN), Clock.systemUTC())) {
            HttpResponse<String> form = app.get("/login?next=%2Fconsole");
            assertThat(form.statusCode()).isEqualTo(200);
            assertThat(form.body()).contains("name=\"token\"").doesNotContain(TOKEN);

            HttpResponse<String> ok = postForm(app, "token=" + TOKEN + "&next=%2Fadmin");
            assertThat(ok.statusCode()).isEqualTo(303);
            assertThat(ok.headers().firstValue("Location")).hasValue("/admin");
            String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).startsWith(WebAccessPolicy.COOKIE + "=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
            // Only the hash of the session id is kept.
            String id = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
            java.util.List<String> stored = db.jdbi().withHandle(h -> h.createQuery("select id_sha256 from web_sessions").mapTo(String.class).list());
            assertThat(stored).contains(WebAccessPolicy.sha256(id)).doesNotContain(id);
        }
    }

    @Test
    void a_wrong_token_is_refused_and_after_ten_the_client_must_wait() {
        try (TestApp app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", TOKEN), Clock.systemUTC())) {
            for (int i = 0; i < LoginRoutes.MAX_FAILURES; i++) {
                HttpResponse<String> r = postForm(app, "token=wrong" + i);
                assertThat(r.statusCode()).isEqualTo(401);
                assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
            }
            assertThat(postForm(app, "token=" + TOKEN).statusCode()).isEqualTo(429);
        }
    }

    @Test
    void next_never_leaves_the_site() {
        assertThat(LoginRoutes.safeNext("//evil.example/x")).isEqualTo("/console");
        assertThat(LoginRoutes.safeNext("https://evil.example")).isEqualTo("/console");
        assertThat(LoginRoutes.safeNext("/\\evil.example")).isEqualTo("/console");
        assertThat(LoginRoutes.safeNext("/admin?x=1")).isEqualTo("/admin?x=1");
    }

    @Test
    void loopback_means_loopback_addresses_and_loopback_host_names_only() {
        assertThat(WebAccessPolicy.isLoopback("127.0.0.1")).isTrue();
        assertThat(WebAccessPolicy.isLoopback("::1")).isTrue();
        assertThat(WebAccessPolicy.isLoopback("192.168.1.5")).isFalse();
        assertThat(WebAccessPolicy.isLoopback("localhost")).isFalse(); // a name is never resolved
        assertThat(WebAccessPolicy.isLoopbackHost("localhost:8080")).isTrue();
        assertThat(WebAccessPolicy.isLoopbackHost("127.0.0.1:8080")).isTrue();
        assertThat(WebAccessPolicy.isLoopbackHost("[::1]:8080")).isTrue();
        assertThat(WebAccessPolicy.isLoopbackHost("evil.example:8080")).isFalse();
        assertThat(WebAccessPolicy.isLoopbackHost("127.0.0.1.evil.example")).isFalse();
    }

    static HttpResponse<String> postForm(TestApp app, String form) {
        return app.post("/login", form, Map.of("Content-Type", "application/x-www-form-urlencoded"));
    }
}
