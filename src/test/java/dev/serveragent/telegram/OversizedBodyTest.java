package dev.serveragent.telegram;

import static dev.serveragent.testing.TelegramFixtures.SECRET;
import static dev.serveragent.testing.TelegramFixtures.WEBHOOK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.WebhookApp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A body over the webhook's cap gets a 413 the client can read: a plain blocking client that
 * writes the whole body before it reads (as most do) must never see its connection reset.
 */
class OversizedBodyTest {
    @AutoClose
    static final WebhookApp bot = WebhookApp.start();
    static final TestApp app = bot.app();
    static final int ROUNDS = 25;

    /** Writes the whole request on a new connection, then reads the status line. */
    private static String post(byte[] body, boolean chunked) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", app.uri("/").getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            String head = "POST " + WEBHOOK + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "X-Telegram-Bot-Api-Secret-Token: " + SECRET + "\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n") + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            for (int off = 0; off < body.length; off += 64 * 1024) {
                int n = Math.min(64 * 1024, body.length - off);
                if (chunked) {
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.write(body, off, n);
                if (chunked) {
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
            if (chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static byte[] body(int bytes) {
        byte[] body = new byte[bytes];
        Arrays.fill(body, (byte) 'x');
        return body;
    }

    @Test
    void three_mebibytes_with_a_content_length_always_get_a_readable_413() throws IOException {
        byte[] body = body(3 * 1024 * 1024);
        for (int i = 0; i < ROUNDS; i++) {
            assertThat(post(body, false)).as("round %d", i).isEqualTo("HTTP/1.1 413 Payload Too Large");
        }
    }

    @Test
    void three_mebibytes_chunked_always_get_a_readable_413() throws IOException {
        byte[] body = body(3 * 1024 * 1024);
        for (int i = 0; i < ROUNDS; i++) {
            assertThat(post(body, true)).as("round %d", i).isEqualTo("HTTP/1.1 413 Payload Too Large");
        }
    }

    @Test
    void the_webhook_still_serves_after_the_oversized_bodies() throws IOException {
        post(body(3 * 1024 * 1024), false);
        String update = dev.serveragent.testing.TelegramFixtures.text(77_001, 77, 1, "after the flood");
        assertThat(post(update.getBytes(StandardCharsets.UTF_8), false)).isEqualTo("HTTP/1.1 200 OK");
    }
}
