package dev.serveragent.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Message search on real Postgres with 60,000 messages: a rare word is found whole, a common word
 * page by page in windows of ids, a word common only in the oldest part of the history too; every
 * match exactly once, newest first, whatever path the search takes.
 */
class DashboardSearchTest {
    static final int MESSAGES = 60_000;
    static TestDatabase db;
    static DashboardRepository search;

    @BeforeAll
    static void seed() {
        db = TestDatabase.create();
        search = new DashboardRepository(db.jdbi());
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
            DashboardRepository.Found found = search.search(q, before, 50);
            assertThat(found.messages()).hasSizeLessThanOrEqualTo(50);
            found.messages().forEach(m -> ids.add(m.id()));
            pageSizes.add(found.messages().size());
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
        DashboardRepository.Found found = search.search("zeppelin", Optional.empty(), 50);
        assertThat(found.messages()).extracting(DashboardRepository.Message::id).containsExactlyElementsOf(truth("%zeppelin%"));
        assertThat(found.olderBefore()).isEmpty();
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
        assertThat(sizes.getFirst()).as("the newest messages hold no match: the page says how far it read and goes on").isZero();
        assertThat(sizes).as("a page reads at most WALK_SPAN messages").hasSizeLessThanOrEqualTo(MESSAGES / DashboardRepository.WALK_SPAN + 6000 / 50 + 1);
    }

    @Test
    void web_search_syntax_still_applies() {
        List<Long> ids = allPages("backup -archive", new ArrayList<>());
        List<Long> expected = db.jdbi().withHandle(h -> h.createQuery(
                "select id from chat_messages where text like '%backup%' and text not like '%archive%' order by id desc").mapTo(Long.class).list());
        assertThat(ids).containsExactlyElementsOf(expected);
        assertThat(search.search("\"check the backup\"", Optional.empty(), 50).messages()).hasSize(50)
                .allSatisfy(m -> assertThat(m.text()).contains("check the backup"));
    }
}
