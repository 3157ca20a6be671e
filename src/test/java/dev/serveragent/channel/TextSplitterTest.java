package dev.serveragent.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.channel.RichText.Entity;
import dev.serveragent.testing.EntityRules;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextSplitterTest {
    @Test
    void a_short_text_is_one_part() {
        assertThat(TextSplitter.split("hello")).containsExactly("hello");
    }

    @Test
    void splits_at_a_paragraph_before_a_line() {
        String text = "a".repeat(60) + "\n\n" + "b".repeat(20) + "\n" + "c".repeat(30);
        assertThat(TextSplitter.split(text, 100)).containsExactly("a".repeat(60), "b".repeat(20) + "\n" + "c".repeat(30));
    }

    @Test
    void splits_at_a_line_when_there_is_no_paragraph() {
        String text = "x".repeat(70) + "\n" + "y".repeat(50);
        assertThat(TextSplitter.split(text, 100)).containsExactly("x".repeat(70), "y".repeat(50));
    }

    @Test
    void splits_after_a_sentence_when_there_is_no_line_break() {
        String text = "The first sentence is long enough here. " + "Second one runs on and on and on and on and on and on. Third.";
        List<String> parts = TextSplitter.split(text, 60);
        assertThat(parts.get(0)).isEqualTo("The first sentence is long enough here.");
        assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(60));
    }

    @Test
    void never_splits_inside_a_word() {
        String text = "word ".repeat(2000);
        List<String> parts = TextSplitter.split(text, 97);
        assertThat(parts).allSatisfy(p -> {
            assertThat(p.length()).isLessThanOrEqualTo(97);
            assertThat(p.split(" ")).allSatisfy(w -> assertThat(w).isEqualTo("word"));
        });
        assertThat(String.join(" ", parts)).isEqualTo(text.strip());
    }

    @Test
    void a_word_longer_than_the_limit_is_cut_without_breaking_a_surrogate_pair() {
        String emoji = "\uD83D\uDE00";
        String text = emoji.repeat(60);
        List<String> parts = TextSplitter.split(text, 51);
        assertThat(String.join("", parts)).isEqualTo(text);
        assertThat(parts).allSatisfy(p -> assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse());
    }

    @Test
    void real_limit_is_under_telegrams_4096() {
        String text = ("Some sentence here. ".repeat(30) + "\n\n").repeat(40);
        assertThat(TextSplitter.split(text)).allSatisfy(p -> assertThat(p.length()).isLessThan(4096));
    }

    @Test
    void a_long_run_of_emoji_sequences_is_cut_between_them_never_inside_one() {
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"; // 8 UTF-16 units, one grapheme
        List<String> parts = TextSplitter.split(family.repeat(30), 51);
        assertThat(parts).allSatisfy(p -> assertThat(p.length() % 8).as("whole families only: %s", p).isZero());
        assertThat(String.join("", parts)).isEqualTo(family.repeat(30));
    }

    @Test
    void an_entity_the_cut_falls_in_is_cut_in_two_with_offsets_per_part() {
        String words = "alpha beta gamma delta epsilon zeta eta theta";
        RichText text = new RichText("\uD83D\uDE00 " + words, List.of(Entity.of("bold", 3, words.length())));
        List<RichText> parts = TextSplitter.split(text, 24);
        assertThat(parts).hasSizeGreaterThan(1);
        parts.forEach(EntityRules::assertValid);
        assertThat(parts.getFirst().entities()).containsExactly(Entity.of("bold", 3, parts.getFirst().text().length() - 3));
        assertThat(parts.subList(1, parts.size())).allSatisfy(p -> assertThat(p.entities()).containsExactly(Entity.of("bold", 0, p.text().length())));
        assertThat(String.join(" ", parts.stream().map(RichText::text).toList())).isEqualTo("\uD83D\uDE00 " + words);
    }

    @Test
    void a_code_block_cut_in_two_reopens_with_its_language_and_keeps_its_indentation() {
        String code = "def f():\n    return 1\n\n    # the second half\n    pass";
        RichText text = new RichText(code, List.of(new Entity("pre", 0, code.length(), null, "python")));
        List<RichText> parts = TextSplitter.split(text, 30);
        assertThat(parts).extracting(RichText::text).containsExactly("def f():\n    return 1", "    # the second half\n    pass");
        assertThat(parts).allSatisfy(p -> assertThat(p.entities()).containsExactly(new Entity("pre", 0, p.text().length(), null, "python")));
    }
}
