package dev.serveragent.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.channel.Channel;
import dev.serveragent.channel.Outbox;
import dev.serveragent.store.OutboxRepository;
import dev.serveragent.store.ThreadRepository;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import dev.serveragent.testing.WebhookApp;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Files the agent sends ({@code send_file}) through the real application's outbox to a fake Bot
 * API that takes multipart uploads as Telegram does: a document, a photo, a photo Telegram will not
 * take as one, retries like text, and an uncertain upload that is never repeated by itself.
 */
class SendFileDeliveryTest {
    @AutoClose
    static final WebhookApp bot = WebhookApp.start();
    static final TestDatabase db = bot.db();
    static final FakeTelegram telegram = bot.telegram();
    static final TestApp app = bot.app();
    static final Duration WAIT = Duration.ofSeconds(20);

    private static long thread(long chatId) {
        return new ThreadRepository(db.jdbi(), Clock.systemUTC()).findOrCreate(Channel.TELEGRAM, chatId);
    }

    private static List<FakeTelegram.Call> calls(String method, long chatId) {
        return telegram.calls(method).stream().filter(c -> Long.toString(chatId).equals(c.param("chat_id"))).toList();
    }

    private static Map<String, Object> row(long id) {
        return db.jdbi().withHandle(h -> h.createQuery("select * from chat_messages where id = :id").bind("id", id).mapToMap().one());
    }

    private static void awaitStatus(long id, String status) {
        await().atMost(WAIT).until(() -> status.equals(row(id).get("send_status")));
    }

    static byte[] png(int size) {
        byte[] b = new byte[size];
        byte[] head = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
        System.arraycopy(head, 0, b, 0, head.length);
        for (int i = head.length; i < size; i++) {
            b[i] = (byte) (i * 13);
        }
        return b;
    }

    @Test
    void a_document_is_uploaded_with_send_document_its_name_type_and_caption_and_recorded_sent() {
        long thread = thread(501);
        byte[] csv = "host,disk\nalpha,91%\n\u00e9t\u00e9\n".getBytes(StandardCharsets.UTF_8);
        long id = app.app().outbox().sendFile(thread,
                new Outbox.FileToSend("document", "disk report.csv", "text/csv", csv, "Disk usage per host", "reports/disk report.csv"));
        awaitStatus(id, "sent");
        FakeTelegram.Call call = calls("sendDocument", 501).getFirst();
        assertThat(call.file("document").bytes()).isEqualTo(csv);
        assertThat(call.file("document").fileName()).isEqualTo("disk report.csv");
        assertThat(call.file("document").contentType()).startsWith("text/csv");
        assertThat(call.param("caption")).isEqualTo("Disk usage per host");
        assertThat(call.params()).doesNotContainKey("parse_mode");
        assertThat(row(id).get("platform_message_id")).isNotNull();
        assertThat(calls("sendMessage", 501)).isEmpty();
    }

    @Test
    void a_picture_is_uploaded_with_send_photo() {
        long thread = thread(502);
        byte[] png = png(4096);
        long id = app.app().outbox().sendFile(thread, new Outbox.FileToSend("photo", "chart.png", "image/png", png, null, "chart.png"));
        awaitStatus(id, "sent");
        FakeTelegram.Call call = calls("sendPhoto", 502).getFirst();
        assertThat(call.file("photo").bytes()).isEqualTo(png);
        assertThat(call.params()).doesNotContainKey("caption");
        assertThat(calls("sendDocument", 502)).isEmpty();
    }

    @Test
    void a_photo_telegram_refuses_as_a_photo_goes_again_as_a_document() {
        long thread = thread(503);
        byte[] png = png(2048);
        telegram.refuse("sendPhoto", 1, 400, "Bad Request: PHOTO_INVALID_DIMENSIONS");
        long id = app.app().outbox().sendFile(thread, new Outbox.FileToSend("photo", "wide.png", "image/png", png, "wide", "wide.png"));
        awaitStatus(id, "sent");
        assertThat(calls("sendPhoto", 503)).hasSize(1);
        FakeTelegram.Call document = calls("sendDocument", 503).getFirst();
        assertThat(document.file("document").bytes()).isEqualTo(png);
        assertThat(document.param("caption")).isEqualTo("wide");
        assertThat(row(id)).containsEntry("kind", "document");
    }

    @Test
    void a_server_error_is_retried_like_text_until_the_file_is_sent() {
        long thread = thread(504);
        telegram.serverError("sendDocument", 1, 502);
        byte[] log = "line 1\nline 2\n".getBytes(StandardCharsets.UTF_8);
        long id = app.app().outbox().sendFile(thread, new Outbox.FileToSend("document", "app.log", "text/plain", log, null, "app.log"));
        awaitStatus(id, "sent");
        List<FakeTelegram.Call> calls = calls("sendDocument", 504);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1).file("document").bytes()).isEqualTo(log);
        assertThat(row(id).get("send_attempts")).isEqualTo(2);
    }

    @Test
    void an_upload_whose_answer_is_lost_ends_uncertain_is_never_repeated_by_itself_and_send_again_uploads_it_once_more() {
        long thread = thread(505);
        // Done, then a proxy's 502 page instead of the answer: Telegram may have it.
        telegram.misbehave("sendDocument", 1, FakeTelegram.Wire.HTML_502);
        byte[] bytes = "the only copy\n".getBytes(StandardCharsets.UTF_8);
        long id = app.app().outbox().sendFile(thread,
                new Outbox.FileToSend("document", "notes.txt", "text/plain", bytes, "my notes", "notes.txt"));
        awaitStatus(id, "uncertain");
        // The Master is told, naming the file.
        await().atMost(WAIT).until(() -> calls("sendMessage", 505).stream().anyMatch(c -> c.param("text").contains("notes.txt")));
        assertThat(calls("sendDocument", 505)).hasSize(1);

        long copy = new OutboxRepository(db.jdbi()).sendAgain(id, Instant.now()).orElseThrow();
        app.app().channels().wakeAll();
        awaitStatus(copy, "sent");
        assertThat(row(copy)).containsEntry("kind", "document").containsEntry("text", "my notes");
        List<FakeTelegram.Call> uploads = calls("sendDocument", 505);
        assertThat(uploads).hasSize(2);
        assertThat(uploads.get(1).file("document").bytes()).isEqualTo(bytes);
        assertThat(uploads.get(1).file("document").fileName()).isEqualTo("notes.txt");
    }
}
