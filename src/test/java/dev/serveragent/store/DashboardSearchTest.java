package dev.serveragent.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's message search, which is the agent's search ({@code SearchRepository.newest},
 * the paged mode of search_memory's query), on real Postgres with 60,000 messages: a rare word is
 * found whole, a common word page by page, a word common only in the oldest part of the history
 * too; every match exactly once, newest first, whatever windows the search walks.
 */
class DashboardSearchTest {
    static final int MESSAGES = 60_000;
    static TestDatabase db;
    static SearchRepository search;
    static long transcribed;

    @BeforeAll
    static void seed() {
        db = TestDatabase.create();
        search = new SearchRepository(db.jdbi());
        db.jdbi().useHandle(h -> {
            long thread = h.createQuery("insert into chat_threads (platform, chat_id) values ('telegram', 1) returning id").mapTo(Long.class).one();
            // 'backup' in every 4th message; 'archive' in every 2nd of the oldest fifth only (6,000: over the rare-word bound); 'zeppelin' in 3.
            h.createUpdate("""
                    insert into chat_messages (thread_id, role, text, created_at)
                    select :t, case when g % 2 = 0 then 'user' else 'assistant' end,
                           'message ' || g || case when g % 4 = 0 then ' check the backup' else ' all quiet' end
                               || case when g <= :n / 5 and g % 2 = 1 then ' archive' else '' end
                               || case when g in (7, 30001, 59999) then ' zeppelin' else '' end,
                           now() - (:n - g) * interval '1 minute'
                    from generate_series(1, :n) g""").bind("t", thread).bind("n", MESSAGES).execute();
            // A message found by its transcript only.
            transcribed = h.createQuery("select id from chat_messages where text = 'message 30501 all quiet'").mapTo(Long.class).one();
            h.execute("insert into message_artifacts (message_id, kind, content_json, status) values (?, 'voice_transcript', "
                    + "'{\"text\": \"the quokka ate the cable\"}', 'done')", transcribed);
            h.execute("analyze chat_messages");
        });
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    /** Every page of the search, followed to its end. */
    private static List<Long> allPages(String q, List<Integer> pageSizes) {
        List<Long> ids = new ArrayList<>();
        Optional<Long> before = Optional.empty();
        for (int page = 0; page < 1_000; page++) {
            SearchRepository.Page found = search.newest(q, OptionalLong.empty(), before, 50);
            assertThat(found.messageIds()).hasSizeLessThanOrEqualTo(50);
            ids.addAll(found.messageIds());
            pageSizes.add(found.messageIds().size());
            if (found.olderBefore().isEmpty()) {
                return ids;
            }
            assertThat(found.olderBefore().get()).as("the search moves down").isLessThan(before.orElse(Long.MAX_VALUE));
            before = found.olderBefore();
        }
        throw new AssertionError("the search never ended");
    }

    private static List<Long> truth(String like) {
        return db.jdbi().withHandle(h -> h.createQuery("select id from chat_messages where text like :l order by id desc")
                .bind("l", like).mapTo(Long.class).list());
    }

    @Test
    void a_rare_word_is_found_whole_in_one_page() {
        SearchRepository.Page found = search.newest("zeppelin", OptionalLong.empty(), Optional.empty(), 50);
        assertThat(found.messageIds()).containsExactlyElementsOf(truth("%zeppelin%"));
        assertThat(found.olderBefore()).isEmpty();
        assertThat(found.hits()).allSatisfy(h -> assertThat(h.snippet()).contains("«zeppelin»"));
    }

    @Test
    void a_common_word_pages_through_every_match_once_newest_first() {
        List<Integer> sizes = new ArrayList<>();
        List<Long> ids = allPages("backup", sizes);
        assertThat(truth("%backup%")).hasSize(MESSAGES / 4);
        assertThat(ids).containsExactlyElementsOf(truth("%backup%"));
        assertThat(sizes.getFirst()).as("a full first page").isEqualTo(50);
    }

    @Test
    void a_word_common_only_long_ago_is_reached_in_bounded_pages() {
        List<Integer> sizes = new ArrayList<>();
        List<Long> ids = allPages("archive", sizes);
        assertThat(truth("%archive%")).hasSize(MESSAGES / 10);
        assertThat(ids).containsExactlyElementsOf(truth("%archive%"));
        assertThat(sizes.getFirst()).as("the newest messages hold no match: the windows widen until they find a page").isEqualTo(50);
        assertThat(sizes).as("every page but the last is full").hasSize(6000 / 50 + 1);
    }

    @Test
    void web_search_syntax_still_applies() {
        List<Long> ids = allPages("backup -archive", new ArrayList<>());
        List<Long> expected = db.jdbi().withHandle(h -> h.createQuery(
                "select id from chat_messages where text like '%backup%' and text not like '%archive%' order by id desc").mapTo(Long.class).list());
        assertThat(ids).containsExactlyElementsOf(expected);
        List<Long> phrase = search.newest("\"check the backup\"", OptionalLong.empty(), Optional.empty(), 50).messageIds();
        assertThat(phrase).hasSize(50).isSubsetOf(truth("%check the backup%"));
    }

    @Test
    void a_message_is_found_by_its_artifact_and_a_thread_filter_applies() {
        SearchRepository.Page found = search.newest("quokka", OptionalLong.empty(), Optional.empty(), 50);
        assertThat(found.messageIds()).containsExactly(transcribed);
        assertThat(found.hits()).singleElement().satisfies(h -> {
            assertThat(h.source()).isEqualTo("artifact");
            assertThat(h.kind()).contains("voice_transcript");
            assertThat(h.snippet()).contains("«quokka»");
        });
        assertThat(search.newest("zeppelin", OptionalLong.of(-1), Optional.empty(), 50).hits()).isEmpty();
    }
}
