package dev.serveragent.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.channel.RichText;
import dev.serveragent.channel.RichText.Entity;
import java.util.List;
import java.util.Set;

/**
 * Telegram's rules for a message with entities, as a test assertion: under 4096 UTF-16 units,
 * not empty, every entity inside the text and not empty, entities properly nested (two that
 * share characters: one holds the other), nothing inside code or pre, no blockquote inside a
 * blockquote, links only to http(s), tg or mailto, and no surrogate pair cut at the edges.
 */
public final class EntityRules {
    static final Set<String> TYPES = Set.of("bold", "italic", "underline", "strikethrough", "code", "pre", "text_link", "blockquote");

    private EntityRules() {}

    public static void assertValid(RichText part) {
        String text = part.text();
        assertThat(text).as("a part is never empty").isNotBlank();
        assertThat(text.length()).as("UTF-16 length").isLessThan(4096);
        assertThat(Character.isLowSurrogate(text.charAt(0))).as("starts inside a surrogate pair").isFalse();
        assertThat(Character.isHighSurrogate(text.charAt(text.length() - 1))).as("ends inside a surrogate pair").isFalse();
        List<Entity> es = part.entities();
        for (Entity e : es) {
            assertThat(TYPES).as("entity type").contains(e.type());
            assertThat(e.offset()).as("offset of %s", e).isBetween(0, text.length() - 1);
            assertThat(e.length()).as("length of %s", e).isPositive();
            assertThat(e.end()).as("end of %s", e).isLessThanOrEqualTo(text.length());
            if (e.type().equals("text_link")) {
                assertThat(e.url()).matches("(?i)(https?://[^\\s]+|tg://[^\\s]+|mailto:[^\\s]+)");
            }
        }
        for (Entity a : es) {
            for (Entity b : es) {
                if (a == b || a.end() <= b.offset() || b.end() <= a.offset()) {
                    continue;
                }
                boolean aHoldsB = a.offset() <= b.offset() && b.end() <= a.end();
                boolean bHoldsA = b.offset() <= a.offset() && a.end() <= b.end();
                assertThat(aHoldsB || bHoldsA).as("%s and %s overlap without nesting", a, b).isTrue();
                Entity outer = aHoldsB ? a : b;
                Entity inner = aHoldsB ? b : a;
                if (aHoldsB && bHoldsA) {
                    continue; // same span: either may be outer
                }
                assertThat(outer.type()).as("%s inside %s", inner, outer).isNotIn("code", "pre");
                assertThat(outer.type().equals("blockquote") && inner.type().equals("blockquote"))
                        .as("blockquote inside a blockquote").isFalse();
                assertThat(outer.type().equals("text_link") && inner.type().equals("code")).as("code inside a link").isFalse();
            }
        }
    }
}
