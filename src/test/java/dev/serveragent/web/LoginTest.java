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
    void a_wrong_token_is_refused_and_after_ten_wrong_ones_the_client_is_throttled_but_the_right_token_still_logs_in() {
        // Changed on purpose by issue 18: the right token used to be refused for 10 minutes too.
        try (TestApp app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", TOKEN), Clock.systemUTC())) {
            for (int i = 0; i < TokenThrottle.MAX_FAILURES; i++) {
                HttpResponse<String> r = postForm(app, "token=wrong" + i);
                assertThat(r.statusCode()).isEqualTo(401);
                assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
            }
            HttpResponse<String> throttled = postForm(app, "token=wrong-again");
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
            assertThat(postForm(app, "token=" + TOKEN).statusCode()).isEqualTo(303);
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
    void hostile_next_values_are_parsed_and_refused_and_only_paths_of_this_site_pass() {
        // Browsers drop tabs and newlines and read a backslash as a slash: each would leave the site.
        for (String hostile : new String[] {"/\tevil.example", "/\t/evil.example", "/\n/evil.example", "/\r/evil.example",
                "//evil.example", "///evil.example", "/\\evil.example", "\\/evil.example", "/ /evil.example",
                "https:evil.example", "https://evil.example/", "HTTPS://evil.example", "javascript:alert(1)",
                "evil.example", "%2F%2Fevil.example", "\u0000/evil", " //evil.example", "/%", "", null}) {
            assertThat(LoginRoutes.safeNext(hostile)).as(String.valueOf(hostile)).isEqualTo(LoginRoutes.DEFAULT_NEXT);
        }
        // Encoded slashes stay inside the path: the browser asks this site for them.
        assertThat(LoginRoutes.safeNext("/%2F%2Fevil.example")).isEqualTo("/%2F%2Fevil.example");
        assertThat(LoginRoutes.safeNext("/%09/evil.example")).isEqualTo("/%09/evil.example");
        assertThat(LoginRoutes.safeNext("/admin/threads/7?q=a%20b#top")).isEqualTo("/admin/threads/7?q=a%20b");
    }

    @Test
    void a_login_with_a_tab_in_next_is_sent_to_the_console_not_off_the_site() {
        try (TestApp app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", TOKEN), Clock.systemUTC())) {
            HttpResponse<String> ok = postForm(app, "token=" + TOKEN + "&next=%2F%09%2Fevil.example");
            assertThat(ok.statusCode()).isEqualTo(303);
            assertThat(ok.headers().firstValue("Location")).hasValue("/console");
        }
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
