package dev.serveragent.channel;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model's Markdown as {@link RichText}: parsed by CommonMark (with GFM strikethrough and
 * tables) into a tree, which is walked into plain text plus Telegram entities. Nothing of the
 * model's text is ever markup for anyone else: HTML stays text, and the result is sent with no
 * parse mode. The rules (docs/TELEGRAM.md, "Rich text"): bold, italic, strikethrough, code,
 * fenced and indented code (pre, with a language when the fence names a plain one), links whose
 * URL is http(s), tg or mailto (anything else keeps only its text), headings as bold lines,
 * lists as bullets or numbers, quotes as one blockquote (nested ones flattened), tables as a pre
 * block. If anything goes wrong the Markdown is sent as it is, as plain text: never a lost reply.
 * Thread-safe.
 */
public final class Markdown {
    private static final Logger log = LoggerFactory.getLogger(Markdown.class);
    // Immutable and thread-safe, per CommonMark's documentation.
    private static final Parser PARSER = Parser.builder()
            .extensions(List.of(StrikethroughExtension.builder().requireTwoTildes(true).build(), TablesExtension.create()))
            .build();
    static final int MAX_URL = 2048;
    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z0-9_+#.-]{1,32}");

    private Markdown() {}

    /** The rendered text, stripped; the Markdown itself as plain text when it renders to nothing or fails. */
    public static RichText render(String model) {
        String markdown = wellFormed(model);
        try {
            RichText rendered = new MarkdownRenderer().document(PARSER.parse(markdown)).strip();
            if (!rendered.text().isEmpty()) {
                return rendered;
            }
        } catch (RuntimeException | StackOverflowError e) {
            // Deep enough nesting can exhaust the stack: the reply still goes out, unformatted.
            log.warn("Markdown not rendered, sending it as plain text: {}", e.toString());
        }
        return RichText.plain(markdown.strip());
    }

    /** With each lone surrogate (not UTF-16 text; it would go on the wire as "?") replaced by U+FFFD. */
    static String wellFormed(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    : !Character.isLowSurrogate(c) || (i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
            if (!paired && out == null) {
                out = new StringBuilder(s);
            }
            if (!paired) {
                out.setCharAt(i, '\uFFFD');
            }
        }
        return out == null ? s : out.toString();
    }

    /** True for the URLs a link may carry: http(s) with a host, tg:, mailto:. */
    static boolean linkable(String url) {
        if (url == null || url.isEmpty() || url.length() > MAX_URL) {
            return false;
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return false;
            }
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            try {
                return new URI(url).getHost() != null;
            } catch (URISyntaxException e) {
                return false;
            }
        }
        return (lower.startsWith("tg://") && url.length() > 5) || (lower.startsWith("mailto:") && url.length() > 7);
    }

    static String language(String info) {
        String first = info == null ? "" : info.strip().split("\\s+", 2)[0];
        return LANGUAGE.matcher(first).matches() ? first : null;
    }
}
