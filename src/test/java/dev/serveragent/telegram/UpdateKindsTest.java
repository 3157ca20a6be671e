package dev.serveragent.telegram;

import static dev.serveragent.testing.TelegramFixtures.post;
import static dev.serveragent.testing.TelegramFixtures.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import dev.serveragent.testing.WebhookApp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every update kind, from real Bot API JSON fixtures, through the webhook into the tables. */
class UpdateKindsTest {
    // The artifact worker runs too: give it the files, so placeholders go pending -> done, never failed.
    @AutoClose
    static final WebhookApp bot = WebhookApp.start(telegram -> {
        for (String id : List.of("AwACAgIAAxkBAAIBZ2VoiceFileId", "CQACAgIAAxkBAAIBaudioFileId", "AgACAgIAAxkBAAIBphotoLarge",
                "BQACAgIAAxkBAAIBdocumentFileId", "DQACAgIAAxkBAAIBvideoNoteId")) {
            telegram.addFile(id, "files/" + id + ".bin", new byte[] {1, 2, 3});
        }
    });
    static final TestDatabase db = bot.db();
    static final TestApp app = bot.app();
    static final List<dev.serveragent.channel.Press> callbacks = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void listenToCallbacks() {
        app.app().telegram().setPressListener(callbacks::add);
    }

    private static Map<String, Object> message(long updateId) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        select m.*, t.chat_id, t.chat_type, t.title, cast(m.raw_payload as text) as raw
                        from chat_messages m join chat_threads t on t.id = m.thread_id where m.update_id = :u""")
                .bind("u", updateId).mapToMap().one());
    }

    private static List<Map<String, Object>> artifacts(long updateId) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        select a.kind, a.status, cast(a.content_json as text) as content from message_artifacts a
                        join chat_messages m on m.id = a.message_id where m.update_id = :u order by a.id""")
                .bind("u", updateId).mapToMap().list());
    }

    private static long jobs(long updateId) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        select count(*) from reactive_jobs j join chat_messages m on m.id = j.trigger_message_id
                        where m.update_id = :u and j.mode = 'classify' -- the reactive loop may have taken it since""")
                .bind("u", updateId).mapTo(Long.class).one());
    }

    @Test
    void a_text_message_keeps_author_chat_type_telegram_date_and_the_whole_update() {
        assertThat(post(app, update("message_text")).statusCode()).isEqualTo(200);
        Map<String, Object> m = message(810001);
        assertThat(m.get("text")).isEqualTo("What is the disk usage on the server?");
        assertThat(m.get("role")).isEqualTo("user");
        assertThat(m.get("kind")).isEqualTo("text");
        assertThat(m.get("author_user_id")).isEqualTo(4242L);
        assertThat(m.get("platform_message_id")).isEqualTo(101L);
        assertThat(m.get("chat_id")).isEqualTo(4242L);
        assertThat(m.get("chat_type")).isEqualTo("private");
        assertThat(m.get("title")).isEqualTo("Ada Lovelace");
        assertThat(((java.sql.Timestamp) m.get("created_at")).toInstant()).isEqualTo(Instant.ofEpochSecond(1764064800));
        assertThat((String) m.get("raw")).contains("\"update_id\": 810001").contains("language_code");
        assertThat(jobs(810001)).isEqualTo(1);
        assertThat(artifacts(810001)).isEmpty();
    }

    @Test
    void an_edit_updates_the_text_keeps_the_history_and_queues_nothing_new() {
        post(app, update("message_text", 820001, 301));
        String edit = update("edited_message", 820002, 301);
        assertThat(post(app, edit).statusCode()).isEqualTo(200);
        assertThat(post(app, edit).statusCode()).as("a retried edit is a duplicate, not an error").isEqualTo(200);

        Map<String, Object> m = message(820001);
        assertThat(m.get("text")).isEqualTo("What is the disk usage on /var?");
        assertThat(((java.sql.Timestamp) m.get("edited_at")).toInstant()).isEqualTo(Instant.ofEpochSecond(1764064830));
        var history = db.jdbi().withHandle(h -> h.createQuery(
                        "select previous_text, new_text, update_id from chat_message_edits where message_id = :id")
                .bind("id", m.get("id")).mapToMap().list());
        assertThat(history).hasSize(1);
        assertThat(history.get(0)).containsEntry("previous_text", "What is the disk usage on the server?")
                .containsEntry("new_text", "What is the disk usage on /var?").containsEntry("update_id", 820002L);
        long jobsInThread = db.jdbi().withHandle(h -> h.createQuery("select count(*) from reactive_jobs where trigger_message_id = :id")
                .bind("id", m.get("id")).mapTo(Long.class).one());
        assertThat(jobsInThread).isEqualTo(1);
    }

    @Test
    void a_voice_message_gets_an_artifact_placeholder() {
        post(app, update("message_voice"));
        Map<String, Object> m = message(810002);
        assertThat(m.get("kind")).isEqualTo("voice");
        assertThat(m.get("text")).isNull();
        // No TRANSCRIBE_URL here: the voice is kept as a file, not transcribed.
        assertThat(artifacts(810002)).singleElement().satisfies(a -> {
            assertThat(a).containsEntry("kind", "file_meta");
            assertThat(a.get("status")).isIn("pending", "done");
            assertThat((String) a.get("content")).contains("AwACAgIAAxkBAAIBZ2VoiceFileId").contains("\"media\": \"voice\"");
        });
        assertThat(jobs(810002)).isEqualTo(1);
    }

    @Test
    void an_audio_message_keeps_its_caption_as_text() {
        post(app, update("message_audio"));
        Map<String, Object> m = message(810003);
        assertThat(m.get("kind")).isEqualTo("audio");
        assertThat(m.get("text")).isEqualTo("notes from the standup");
        assertThat(artifacts(810003)).singleElement().satisfies(a -> assertThat((String) a.get("content")).contains("standup.mp3"));
    }

    @Test
    void a_photo_keeps_the_largest_size_only() {
        post(app, update("message_photo"));
        Map<String, Object> m = message(810004);
        assertThat(m.get("kind")).isEqualTo("photo");
        assertThat(m.get("text")).isEqualTo("what does this error mean?");
        assertThat(artifacts(810004)).singleElement().satisfies(a ->
                assertThat((String) a.get("content")).contains("AgACAgIAAxkBAAIBphotoLarge").doesNotContain("photoSmall"));
    }

    @Test
    void a_document_and_a_video_note_become_file_placeholders() {
        post(app, update("message_document"));
        post(app, update("message_video_note"));
        assertThat(message(810005).get("kind")).isEqualTo("document");
        assertThat(artifacts(810005)).singleElement().satisfies(a -> {
            assertThat(a).containsEntry("kind", "file_meta");
            assertThat(a.get("status")).isIn("pending", "done");
        });
        assertThat(message(810006).get("kind")).isEqualTo("video_note");
        assertThat(artifacts(810006)).singleElement().satisfies(a ->
                assertThat((String) a.get("content")).contains("DQACAgIAAxkBAAIBvideoNoteId").contains("\"length\": 384"));
    }

    @Test
    void a_channel_post_is_stored_without_an_author() {
        post(app, update("channel_post"));
        Map<String, Object> m = message(810008);
        assertThat(m.get("author_user_id")).isNull();
        assertThat(m.get("chat_type")).isEqualTo("channel");
        assertThat(m.get("title")).isEqualTo("Ops log");
        assertThat(jobs(810008)).isEqualTo(1);
    }

    @Test
    void a_strangers_group_message_is_stored_and_queued_like_any_other() {
        post(app, update("group_message"));
        Map<String, Object> m = message(810011);
        assertThat(m.get("chat_type")).isEqualTo("group");
        assertThat(m.get("chat_id")).isEqualTo(-4000000001L);
        assertThat(jobs(810011)).isEqualTo(1);
    }

    @Test
    void a_callback_query_is_stored_raw_once_and_the_listener_hears_it_once() {
        String body = update("callback_query");
        assertThat(post(app, body).statusCode()).isEqualTo(200);
        assertThat(post(app, body).statusCode()).isEqualTo(200);
        long stored = db.jdbi().withHandle(h -> h.createQuery(
                "select count(*) from telegram_updates where update_id = 810009 and kind = 'callback_query'").mapTo(Long.class).one());
        assertThat(stored).isEqualTo(1);
        List<dev.serveragent.channel.Press> heard = callbacks.stream().filter(q -> q.pressId().equals("4382bfdwdsb323b2d9")).toList();
        assertThat(heard).singleElement().satisfies(q -> {
            assertThat(q.fromUserId()).isEqualTo(4242);
            assertThat(q.data()).isEqualTo("approval:17");
            assertThat(q.threadId()).isPositive();
        });
    }

    @Test
    void an_unknown_kind_is_stored_raw_and_answered_200() {
        assertThat(post(app, update("my_chat_member")).statusCode()).isEqualTo(200);
        var row = db.jdbi().withHandle(h -> h.createQuery(
                "select kind, cast(raw_payload as text) as raw, message_id from telegram_updates where update_id = 810010").mapToMap().one());
        assertThat(row.get("kind")).isEqualTo("other");
        assertThat((String) row.get("raw")).contains("my_chat_member").contains("kicked");
        assertThat(row.get("message_id")).isNull();
    }
}
