package dev.serveragent.channel;

import dev.serveragent.channel.RichText.Entity;
import java.util.ArrayList;
import java.util.List;
import org.commonmark.ext.gfm.strikethrough.Strikethrough;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.LinkReferenceDefinition;
import org.commonmark.node.ListBlock;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;

/**
 * One walk over one CommonMark document into a {@link RichText}, by {@link Markdown}'s rules.
 * An entity is reserved when its node opens, so an outer one sorts before an inner one of the
 * same span. Nesting is followed by recursion ({@link Markdown#render} catches a stack that runs
 * out). Not thread-safe: one per document.
 */
final class MarkdownRenderer {
    /** Lists deeper than this are not indented further: hostile nesting cannot push text off the screen. */
    static final int MAX_INDENT_DEPTH = 6;
    private static final String[] BULLETS = {"•", "◦", "▪"};
    static final String RULE = "──────────";

    private final StringBuilder out = new StringBuilder();
    private final List<Entity> entities = new ArrayList<>();
    private String indent = "";
    private int listDepth;
    private int quoteDepth;
    private int linkDepth;

    RichText document(Node document) {
        blocks(document, false);
        return new RichText(out.toString(), entities);
    }

    private void blocks(Node parent, boolean tight) {
        boolean first = true;
        for (Node c = parent.getFirstChild(); c != null; c = c.getNext()) {
            if (c instanceof LinkReferenceDefinition) {
                continue;
            }
            if (!first) {
                newline(!tight);
            }
            block(c);
            first = false;
        }
    }

    private void block(Node n) {
        switch (n) {
            case Paragraph p -> inlines(p);
            case Heading h -> styled("bold", () -> inlines(h));
            case BlockQuote q -> quote(q);
            case ListBlock l -> list(l);
            case FencedCodeBlock f -> pre(f.getLiteral(), Markdown.language(f.getInfo()));
            case IndentedCodeBlock c -> pre(c.getLiteral(), null);
            case HtmlBlock h -> text(h.getLiteral().stripTrailing());
            case ThematicBreak t -> out.append(RULE);
            case TableBlock t -> pre(Tables.text(t, MarkdownRenderer::plainText), null);
            default -> blocks(n, false);
        }
    }

    private void quote(BlockQuote q) {
        // Telegram refuses a blockquote inside a blockquote: the outermost one holds them all.
        int slot = open();
        quoteDepth++;
        blocks(q, false);
        quoteDepth--;
        close(slot, quoteDepth == 0 ? "blockquote" : null, null, null);
    }

    private void list(ListBlock l) {
        long number = l instanceof OrderedList o ? (o.getMarkerStartNumber() == null ? 1 : o.getMarkerStartNumber()) : 0;
        listDepth++;
        boolean first = true;
        for (Node item = l.getFirstChild(); item != null; item = item.getNext()) {
            if (!first) {
                newline(!l.isTight());
            }
            String marker = (l instanceof OrderedList ? (number++) + "." : BULLETS[(listDepth - 1) % BULLETS.length]) + " ";
            out.append(marker);
            String outer = indent;
            if (listDepth <= MAX_INDENT_DEPTH) {
                indent = indent + " ".repeat(marker.length());
            }
            blocks(item, l.isTight());
            indent = outer;
            first = false;
        }
        listDepth--;
    }

    private void pre(String literal, String language) {
        String code = literal.endsWith("\n") ? literal.substring(0, literal.length() - 1) : literal;
        if (code.isBlank()) {
            return;
        }
        entities.add(new Entity("pre", out.length(), code.length(), null, language));
        out.append(code); // verbatim: a list's indent would change the code
    }

    private void inlines(Node parent) {
        for (Node c = parent.getFirstChild(); c != null; c = c.getNext()) {
            inline(c);
        }
    }

    private void inline(Node n) {
        switch (n) {
            case Text t -> text(t.getLiteral());
            case SoftLineBreak s -> newline(false);
            case HardLineBreak h -> newline(false);
            case Code c -> code(c.getLiteral());
            case Emphasis e -> styled("italic", () -> inlines(e));
            case StrongEmphasis s -> styled("bold", () -> inlines(s));
            case Strikethrough s -> styled("strikethrough", () -> inlines(s));
            case Link l -> link(l.getDestination(), () -> inlines(l));
            case Image i -> link(i.getDestination(), () -> {
                inlines(i);
                if (i.getFirstChild() == null) {
                    out.append("image");
                }
            });
            case HtmlInline h -> text(h.getLiteral());
            default -> inlines(n);
        }
    }

    private void code(String literal) {
        if (linkDepth > 0 || literal.isEmpty()) {
            out.append(literal); // a text_link cannot hold a code entity
            return;
        }
        entities.add(Entity.of("code", out.length(), literal.length()));
        out.append(literal);
    }

    private void link(String url, Runnable body) {
        int slot = open();
        linkDepth++;
        body.run();
        linkDepth--;
        close(slot, Markdown.linkable(url) && linkDepth == 0 ? "text_link" : null, url, null);
    }

    private void styled(String type, Runnable body) {
        int slot = open();
        body.run();
        close(slot, type, null, null);
    }

    /** Reserves the entity's place (and notes where it starts) so that it sorts before inner ones of the same span. */
    private int open() {
        entities.add(Entity.of("open", out.length(), 0));
        return entities.size() - 1;
    }

    private void close(int slot, String type, String url, String language) {
        int start = entities.get(slot).offset();
        if (type == null || out.length() == start) {
            entities.remove(slot); // every entity after it is complete: shifting them is harmless
            return;
        }
        entities.set(slot, new Entity(type, start, out.length() - start, url, language));
    }

    private void text(String s) {
        out.append(s.replace("\n", "\n" + indent));
    }

    private void newline(boolean blank) {
        out.append(blank ? "\n\n" : "\n").append(indent);
    }

    private static String plainText(Node cell) {
        MarkdownRenderer r = new MarkdownRenderer();
        r.inlines(cell);
        return r.out.toString().replace('\n', ' ');
    }
}
