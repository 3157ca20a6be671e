package dev.serveragent.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.CapturedLogs;
import dev.serveragent.testing.ConsoleClient;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may use the console: loopback in the zero-config case, ADMIN_TOKEN once it is set, nobody with PUBLIC_URL alone. */
class ConsoleAccessTest {
    static final String ADMIN = "access-admin-token-abcdef0123456789";

    @AutoClose
    static final TestDatabase db = TestDatabase.create();

    @TempDir
    Path dir;

    @Test
    void with_nothing_configured_a_loopback_browser_gets_the_console_and_is_told_what_is_missing() {
        try (TestApp app = TestApp.start(db, dir, Map.of(), Clock.systemUTC()); ConsoleClient console = ConsoleClient.of(app)) {
            HttpResponse<String> page = console.open();
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Set-Cookie").orElseThrow()).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
            assertThat(console.csrf()).isNotBlank();
            assertThat(app.app().consoleLine()).isEqualTo("Console: http://localhost:" + app.app().httpPort() + "/console");

            assertThat(console.history().path("notices").toString()).contains("no model is configured").contains("ANTHROPIC_API_KEY=");
            console.say("hello?");
            // In the conversation: what is missing and the line that fixes it.
            console.awaitMessage(m -> m.path("role").asText().equals("assistant") && m.path("text").asText().contains("ANTHROPIC_API_KEY=sk-ant-"));
        }
        // The history survives a restart.
        try (TestApp app = TestApp.start(db, dir, Map.of(), Clock.systemUTC()); ConsoleClient console = ConsoleClient.of(app)) {
            console.open();
            assertThat(console.history().path("messages").toString()).contains("hello?").contains("ANTHROPIC_API_KEY=sk-ant-");
        }
    }

    @Test
    void a_stranger_posting_a_huge_multipart_body_is_refused_before_any_of_it_is_read() throws IOException {
        try (TestApp app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", ADMIN), Clock.systemUTC());
             Socket s = new Socket("127.0.0.1", app.app().httpPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            String boundary = "XBOUNDARYX";
            // 200 MB declared, one part header and 1 MB sent: the answer must not wait for the rest.
            out.write(("POST /console/api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=" + boundary
                    + "\r\nContent-Length: " + (200L * 1024 * 1024) + "\r\n\r\n--" + boundary
                    + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                out.write(new byte[1024 * 1024]);
                out.flush();
            } catch (IOException refusedMidBody) {
                // The server may answer and close before taking the whole megabyte: the write then fails with a broken
                // pipe or a reset, which is the refusal this test wants; the answer is already in our receive buffer.
            }
            byte[] head = new byte[12];
            InputStream in = s.getInputStream();
            int n = in.readNBytes(head, 0, head.length);
            assertThat(new String(head, 0, n, StandardCharsets.US_ASCII)).as("answered at once, not after parsing the body").isEqualTo("HTTP/1.1 401");
        }
    }

    @Test
    void a_loopback_page_view_writes_no_session_row_and_the_first_post_writes_one() {
        try (TestApp app = TestApp.start(db, dir, Map.of(), Clock.systemUTC())) {
            long before = sessionRows();
            for (int i = 0; i < 20; i++) {
                assertThat(app.get("/console").statusCode()).isEqualTo(200); // cookie-less, as a script or a scanner
            }
            try (ConsoleClient console = ConsoleClient.of(app)) {
                console.open();
                console.open();
                assertThat(sessionRows()).isEqualTo(before);
                console.say("first post");
                assertThat(sessionRows()).isEqualTo(before + 1);
                console.say("second post");
                assertThat(sessionRows()).isEqualTo(before + 1);
            }
        }
    }

    private static long sessionRows() {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from web_sessions").mapTo(Long.class).one());
    }

    @Test
    void posts_need_the_pages_csrf_token_and_a_foreign_host_or_origin_is_refused() throws IOException {
        try (TestApp app = TestApp.start(db, dir, Map.of(), Clock.systemUTC()); ConsoleClient console = ConsoleClient.of(app)) {
            console.open();
            String token = console.csrf();
            ConsoleClient forged = ConsoleClient.of(app);
            forged.open();
            // A session of its own but a token it guessed (or took from another session).
            HttpResponse<String> noToken = forged.send(java.net.http.HttpRequest.newBuilder(app.uri("/console/api/messages"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"text\":\"x\"}")).header("Content-Type", "application/json").build());
            assertThat(noToken.statusCode()).isEqualTo(403);
            HttpResponse<String> otherToken = forged.send(java.net.http.HttpRequest.newBuilder(app.uri("/console/api/messages"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"text\":\"x\"}")).header("Content-Type", "application/json")
                    .header("X-CSRF-Token", forged.csrf().equals(token) ? "x" : token).build());
            assertThat(otherToken.statusCode()).isEqualTo(403);
            // DNS rebinding: a page of evil.example resolved to 127.0.0.1.
            assertThat(rawGet(app.app().httpPort(), "/console", "evil.example:" + app.app().httpPort())).startsWith("HTTP/1.1 403");
            long stored = db.jdbi().withHandle(h -> h.createQuery("select count(*) from chat_messages where text = 'x'").mapTo(Long.class).one());
            assertThat(stored).isZero();
        }
    }

    @Test
    void with_ADMIN_TOKEN_every_client_logs_in_and_the_token_is_never_logged() {
        try (CapturedLogs logs = CapturedLogs.start()) {
            try (TestApp app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", ADMIN), Clock.systemUTC()); ConsoleClient console = ConsoleClient.of(app)) {
                HttpResponse<String> page = console.get("/console");
                assertThat(page.statusCode()).isEqualTo(303);
                assertThat(page.headers().firstValue("Location")).hasValue("/login?next=%2Fconsole");
                assertThat(console.get("/console/api/history").statusCode()).isEqualTo(401);
                assertThat(console.get("/console/api/history", Map.of("Authorization", "Bearer wrong")).statusCode()).isEqualTo(401);
                assertThat(console.get("/console/api/history", Map.of("Authorization", "Bearer " + ADMIN)).statusCode()).isEqualTo(200);
                assertThat(console.post("/console/api/messages", "{\"text\":\"no session\"}").statusCode()).isEqualTo(401);
                assertThat(console.login("wrong-token").statusCode()).isEqualTo(401);

                assertThat(console.login(ADMIN).statusCode()).isEqualTo(303);
                assertThat(console.open().statusCode()).isEqualTo(200);
                console.say("logged in");
                assertThat(app.app().consoleLine()).endsWith("(log in with ADMIN_TOKEN)");
            }
            assertThat(logs.lines()).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain(ADMIN));
        }
    }

    @Test
    void with_PUBLIC_URL_and_no_ADMIN_TOKEN_the_console_is_off_and_the_log_says_why() {
        try (CapturedLogs logs = CapturedLogs.start();
             TestApp app = TestApp.start(db, dir, Map.of("PUBLIC_URL", "https://agent.example.org"), Clock.systemUTC())) {
            HttpResponse<String> page = app.get("/console");
            assertThat(page.statusCode()).isEqualTo(404);
            assertThat(page.body()).contains("PUBLIC_URL is set and ADMIN_TOKEN is not");
            assertThat(app.get("/console/api/history").statusCode()).isEqualTo(404);
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("Console and dashboard: off").contains("set ADMIN_TOKEN"));
            assertThat(app.app().consoleLine()).startsWith("Console off:");
        }
    }

    /** A GET with a Host header of our choosing (the JDK client will not send a foreign one). */
    static String rawGet(int port, String path, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
