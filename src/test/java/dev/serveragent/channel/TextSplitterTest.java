package dev.serveragent.channel;

import static org.assertj.core.api.Assertions.assertThat;

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
}
