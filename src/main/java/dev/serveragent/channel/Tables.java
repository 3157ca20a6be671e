package dev.serveragent.channel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.node.Node;

/**
 * A GFM table as aligned monospace text for a pre block: Telegram has no tables, and a
 * monospace grid reads well on a phone. Cells are plain text (a pre holds no other entity).
 */
final class Tables {
    /** Wider cells are cut with "…" so that one long cell does not widen every row. */
    static final int MAX_CELL = 40;

    private Tables() {}

    static String text(TableBlock table, Function<Node, String> cellText) {
        List<List<String>> rows = new ArrayList<>();
        int headRows = 0;
        for (Node section = table.getFirstChild(); section != null; section = section.getNext()) {
            for (Node row = section.getFirstChild(); row != null; row = row.getNext()) {
                List<String> cells = new ArrayList<>();
                for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                    cells.add(clip(cellText.apply(cell).strip()));
                }
                rows.add(cells);
                if (section instanceof TableHead) {
                    headRows++;
                }
            }
        }
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < row.size(); c++) {
                widths[c] = Math.max(widths[c], width(row.get(c)));
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String cell = c < row.size() ? row.get(c) : "";
                line.append(c == 0 ? "" : " | ").append(cell).append(" ".repeat(widths[c] - width(cell)));
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (r == headRows - 1) {
                StringBuilder rule = new StringBuilder();
                for (int c = 0; c < columns; c++) {
                    rule.append(c == 0 ? "" : "-+-").append("-".repeat(widths[c]));
                }
                out.append(rule).append('\n');
            }
        }
        return out.toString();
    }

    private static String clip(String cell) {
        return width(cell) <= MAX_CELL ? cell : cell.substring(0, cell.offsetByCodePoints(0, MAX_CELL - 1)) + "…";
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
