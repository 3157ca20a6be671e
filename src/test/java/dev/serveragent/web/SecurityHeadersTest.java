package dev.serveragent.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.ConsoleClient;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every response (pages, assets, JSON, redirects, errors) carries a strict Content-Security-Policy
 * that forbids framing and inline script, plus nosniff, X-Frame-Options and a referrer policy
 * (issue 18.7); and no page holds an inline script, style or event handler that the policy would
 * break.
 */
class SecurityHeadersTest {
    static final String TOKEN = "security-headers-admin-token-0123456789abcdef";
    static final Pattern INLINE = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>|<style\\b|\\sstyle=|\\son[a-z]+=|javascript:",
            Pattern.CASE_INSENSITIVE);

    @AutoClose
    static final TestDatabase db = TestDatabase.create();

    @TempDir
    Path dir;

    @Test
    void every_page_asset_api_answer_redirect_and_error_carries_the_security_headers() {
        try (TestApp app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", TOKEN), Clock.systemUTC());
             ConsoleClient browser = ConsoleClient.of(app)) {
            for (String path : List.of("/login", "/console", "/admin", "/static/app.css", "/console/console.js",
                    "/healthz", "/readyz", "/metrics", "/admin/api/threads", "/admin/api/agenda", "/no-such-page", "/")) {
                assertHeaders(path, app.get(path));
            }
            assertThat(browser.login(TOKEN).statusCode()).isEqualTo(303);
            for (String path : List.of("/console", "/admin", "/admin/conversations", "/admin/jobs", "/admin/approvals",
                    "/admin/runs", "/admin/deployments", "/admin/agenda", "/admin/static/admin.css")) {
                HttpResponse<String> page = browser.get(path);
                assertThat(page.statusCode()).as(path).isEqualTo(200);
                assertHeaders(path, page);
                assertThat(INLINE.matcher(page.body()).results().map(m -> m.group()).toList()).as("inline code in " + path).isEmpty();
            }
        }
    }

    private static void assertHeaders(String path, HttpResponse<String> r) {
        String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(csp).as(path).contains("frame-ancestors 'none'").contains("script-src 'self'").contains("default-src 'self'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(r.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
        assertThat(r.headers().firstValue("Referrer-Policy")).as(path).hasValue("same-origin");
    }
}
