package dev.serveragent.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.serveragent.testing.EntityRules;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Random Markdown made of the pieces models and attackers use (markers, fences, quotes, lists,
 * links, HTML, emoji, long words, line breaks): rendering never throws and never loses the reply,
 * and every part keeps Telegram's rules, whatever the split.
 */
class MarkdownPropertiesTest {
    static final List<String> PIECES = List.of("**", "*", "_", "__", "~~", "`", "```", "```py\n", "~~~", "\n", "\n\n", "> ", ">>",
            "- ", "1. ", "   ", "    ", "# ", "| a | b |\n|---|---|\n", "[", "]", "(", ")", "](https://example.com/x)",
            "](javascript:alert(1))", "<script>", "</script>", "<b>", "&lt;", "&amp;", "\\", "word", "Hello, world.", "😀",
            "👨‍👩‍👧", "e\u0301", "\uD83D", "\t", "x".repeat(300), "lorem ipsum dolor sit amet ".repeat(20), "---\n", "![i](https://e.x/i.png)");

    static Gen<String> markdown() {
        return lists().of(Generate.pick(PIECES)).ofSizeBetween(0, 400).map(l -> String.join("", l));
    }

    @Test
    void any_mix_of_markdown_renders_into_valid_parts_and_loses_nothing() {
        qt().withExamples(400).withShrinkCycles(30).forAll(markdown(), integers().between(40, 4000)).checkAssert((md, max) -> {
            List<RichText> parts = TextSplitter.split(Markdown.render(md), max);
            if (md.isBlank()) {
                assertThat(parts).extracting(RichText::text).containsExactly("");
                return;
            }
            assertThat(parts).isNotEmpty().allSatisfy(p -> assertThat(p.text().length()).isLessThanOrEqualTo(max));
            parts.forEach(EntityRules::assertValid);
        });
    }
}
