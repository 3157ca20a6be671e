package dev.serveragent.telegram;

import static dev.serveragent.testing.AgentHarness.MASTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.channel.RichText;
import dev.serveragent.testing.AgentHarness;
import dev.serveragent.testing.EntityRules;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.WebhookApp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Claude Code answer in Markdown, end to end over the webhook, to a fake Bot API that refuses
 * what Telegram refuses (too long, entities outside the text): it arrives as plain text with
 * {@code entities}, never with a parse mode, and a long one as parts each under 4096 with valid
 * entities. What is stored is what was sent.
 */
class RichTextTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    private static List<FakeTelegram.Call> answers(AgentHarness h) {
        return h.sent().stream().filter(c -> c.param("entities") != null).toList();
    }

    @Test
    void a_markdown_answer_arrives_as_text_and_entities_without_a_parse_mode() throws Exception {
        try (AgentHarness h = new AgentHarness(dataDir, "markdown-answer", Map.of())) {
            h.classifyAs("question", false);
            h.say(MASTER, "how full is the disk?");
            await().atMost(AgentHarness.WAIT).until(() -> !answers(h).isEmpty());
            FakeTelegram.Call answer = answers(h).getFirst();

            assertThat(answer.params()).doesNotContainKey("parse_mode");
            assertThat(answer.param("text")).isEqualTo("Done. The check df -h says:\n\n/dev/sda1  91%\n\n"
                    + "Tags stay text: <script>alert(1)</script>; see docs and bad \uD83D\uDC4D\uD83C\uDFFD");
            assertThat(JSON.readTree(answer.param("entities"))).isEqualTo(JSON.readTree("""
                    [{"type":"bold","offset":0,"length":5},
                     {"type":"code","offset":16,"length":5},
                     {"type":"pre","offset":29,"length":14,"language":"sh"},
                     {"type":"text_link","offset":92,"length":4,"url":"https://example.com/df"}]"""));

            // Stored as sent: a resend from the row would be identical.
            await().atMost(AgentHarness.WAIT).until(() -> h.count("select count(*) from chat_messages where entities is not null and send_status = 'sent'") == 1);
            assertThat(h.one("select text from chat_messages where entities is not null")).isEqualTo(answer.param("text"));
            assertThat(JSON.readTree(h.one("select entities::text from chat_messages where entities is not null")))
                    .isEqualTo(JSON.readTree(answer.param("entities")));
        }
    }

    @Test
    void a_long_markdown_answer_arrives_as_parts_under_4096_each_with_valid_entities() throws Exception {
        try (AgentHarness h = new AgentHarness(dataDir, "markdown-long", Map.of())) {
            h.classifyAs("question", false);
            h.say(MASTER, "show me the whole log");
            await().atMost(AgentHarness.WAIT).until(() -> h.count(
                    "select count(*) from chat_messages where role = 'assistant' and entities is not null and send_status is distinct from 'sent'") == 0
                    && h.count("select count(*) from chat_messages where entities is not null") >= 5);
            List<FakeTelegram.Call> parts = answers(h);
            long stored = h.count("select count(*) from chat_messages where entities is not null");
            assertThat(parts).as("every stored part was sent once, and only those").hasSize((int) stored);

            for (FakeTelegram.Call part : parts) {
                assertThat(part.params()).doesNotContainKey("parse_mode");
                assertThat(part.param("text").length()).isLessThan(4096);
                EntityRules.assertValid(RichText.of(part.param("text"), part.param("entities")));
            }
            // The code block goes on over several parts, reopened in each with its language.
            long shParts = parts.stream().filter(p -> p.param("entities").contains("\"language\":\"sh\"")).count();
            assertThat(shParts).isGreaterThanOrEqualTo(2);
            JsonNode second = JSON.readTree(parts.get(1).param("entities"));
            assertThat(second.get(0).path("type").asText()).isEqualTo("pre");
            assertThat(second.get(0).path("offset").asInt()).isZero();
            // Nothing lost: the parts are the whole rendered answer.
            String whole = String.join(" ", parts.stream().map(p -> p.param("text")).toList()).replaceAll("\\s+", " ");
            assertThat(whole).startsWith("Here is the whole log, as asked: journal line 0: **not bold** <b>not html</b> ok")
                    .contains("sentence 259 is in italics.").endsWith("That is all.");
        }
    }

    @Test
    void a_message_telegram_refuses_for_its_entities_is_sent_again_as_plain_text() throws Exception {
        try (WebhookApp bot = WebhookApp.start()) {
            assertThat(TelegramFixtures.post(bot.app(), TelegramFixtures.text(950_001, 951, 1, "hi")).statusCode()).isEqualTo(200);
            long thread = bot.db().jdbi().withHandle(h -> h.createQuery("select id from chat_threads where chat_id = 951")
                    .mapTo(Long.class).one());
            bot.telegram().refuse("sendMessage", 1, 400, "Bad Request: can't parse entities: wrong user identifier");
            long id = bot.app().app().outbox().sendMarkdown(thread, "Ask [her](tg://user?id=123) **now**").getFirst();

            await().atMost(AgentHarness.WAIT).until(() -> "sent".equals(bot.db().jdbi().withHandle(h -> h.createQuery(
                    "select send_status from chat_messages where id = :id").bind("id", id).mapTo(String.class).one())));
            List<FakeTelegram.Call> calls = bot.telegram().calls("sendMessage").stream()
                    .filter(c -> "951".equals(c.param("chat_id"))).toList();
            assertThat(calls).hasSize(2);
            assertThat(JSON.readTree(calls.get(0).param("entities")).get(0).path("url").asText()).isEqualTo("tg://user?id=123");
            assertThat(calls.get(1).param("text")).isEqualTo(calls.get(0).param("text")).isEqualTo("Ask her now");
            assertThat(calls.get(1).params()).doesNotContainKeys("entities", "parse_mode");
            // What is stored is still what was sent.
            boolean plain = bot.db().jdbi().withHandle(h -> h.createQuery("select entities is null from chat_messages where id = :id")
                    .bind("id", id).mapTo(Boolean.class).one());
            assertThat(plain).isTrue();
        }
    }
}
