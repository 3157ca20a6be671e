package dev.serveragent.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serveragent.channel.Channel;
import dev.serveragent.channel.Outbox;
import dev.serveragent.testing.ConsoleClient;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file the agent sends to the console ({@code send_file}) is a download: the message shows a
 * link, served only with the console's login, always as an attachment, never sniffed, and an
 * HTML or SVG file never as a page.
 */
class ConsoleFileDownloadTest {
    static final String ADMIN = "download-admin-token-abcdef0123456789";

    @AutoClose
    static final TestDatabase db = TestDatabase.create();

    @TempDir
    Path dir;

    @Test
    void a_file_sent_to_the_console_is_a_download_link_served_as_an_attachment_with_login_only() throws Exception {
        try (TestApp app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", ADMIN), Clock.systemUTC());
             ConsoleClient console = ConsoleClient.of(app)) {
            assertThat(console.login(ADMIN).statusCode()).isEqualTo(303);
            assertThat(console.open().statusCode()).isEqualTo(200);
            long thread = db.jdbi().withHandle(h -> h.createQuery("select id from chat_threads where platform = :p and chat_id = :c")
                    .bind("p", Channel.CONSOLE).bind("c", Channel.CONSOLE_CHAT_ID).mapTo(Long.class).findOne())
                    .orElseGet(() -> new dev.serveragent.store.ThreadRepository(db.jdbi(), Clock.systemUTC())
                            .findOrCreate(Channel.CONSOLE, Channel.CONSOLE_CHAT_ID));
            byte[] csv = "host,disk\nalpha,91%\n".getBytes(StandardCharsets.UTF_8);
            long id = app.app().outbox().sendFile(thread,
                    new Outbox.FileToSend("document", "disk report é.csv", "text/csv", csv, "Disk usage", "reports/disk.csv"));

            // The message: its caption and the file with its download path.
            JsonNode shown = console.awaitMessage(m -> m.path("id").asLong() == id);
            assertThat(shown.path("role").asText()).isEqualTo("assistant");
            assertThat(shown.path("text").asText()).isEqualTo("Disk usage");
            assertThat(shown.path("file").path("name").asText()).isEqualTo("disk report é.csv");
            assertThat(shown.path("file").path("size").asLong()).isEqualTo(csv.length);
            String download = shown.path("file").path("download").asText();
            assertThat(download).isEqualTo("/console/api/files/" + id);

            HttpResponse<byte[]> file = get(console, download);
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.body()).isEqualTo(csv);
            assertThat(file.headers().firstValue("Content-Disposition").orElseThrow())
                    .startsWith("attachment; filename=\"disk report _.csv\"").contains("filename*=UTF-8''disk%20report%20%C3%A9.csv");
            assertThat(file.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(file.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
            assertThat(file.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("sandbox");

            // HTML and SVG are never served as what a browser renders or runs.
            for (String[] f : new String[][] {{"page.html", "text/html"}, {"logo.svg", "image/svg+xml"}}) {
                byte[] active = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".getBytes(StandardCharsets.UTF_8);
                long m = app.app().outbox().sendFile(thread, new Outbox.FileToSend("document", f[0], f[1], active, null, f[0]));
                HttpResponse<byte[]> served = get(console, "/console/api/files/" + m);
                assertThat(served.statusCode()).isEqualTo(200);
                assertThat(served.headers().firstValue("Content-Type").orElseThrow()).as(f[0]).isEqualTo("application/octet-stream");
                assertThat(served.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment;");
                assertThat(served.body()).isEqualTo(active);
            }

            // Not a file, or not this conversation's: 404. No login: refused, and nothing of the file.
            assertThat(get(console, "/console/api/files/" + (id + 1000)).statusCode()).isEqualTo(404);
            assertThat(get(console, "/console/api/files/abc").statusCode()).isEqualTo(404);
            long textMessage = app.app().outbox().send(thread, "no file here").getFirst();
            assertThat(get(console, "/console/api/files/" + textMessage).statusCode()).isEqualTo(404);
            long telegramThread = new dev.serveragent.store.ThreadRepository(db.jdbi(), Clock.systemUTC()).findOrCreate(Channel.TELEGRAM, 4242);
            long elsewhere = app.app().outbox().sendFile(telegramThread,
                    new Outbox.FileToSend("document", "other.txt", "text/plain", "other chat".getBytes(StandardCharsets.UTF_8), null, "other.txt"));
            assertThat(get(console, "/console/api/files/" + elsewhere).statusCode()).isEqualTo(404);

            HttpResponse<byte[]> stranger = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(app.uri(download)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(stranger.statusCode()).isIn(401, 403);
            assertThat(new String(stranger.body(), StandardCharsets.UTF_8)).doesNotContain("alpha,91%");
        }
    }

    private static HttpResponse<byte[]> get(ConsoleClient console, String path) throws Exception {
        return console.sendBytes(HttpRequest.newBuilder(console.uri(path)).GET().build());
    }
}
