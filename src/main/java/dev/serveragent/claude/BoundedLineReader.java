package dev.serveragent.claude;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines without trusting their length: a line longer than the bound is consumed and
 * reported as {@link #TOO_LONG} instead of growing the heap without limit. Not thread-safe.
 */
final class BoundedLineReader {
    /** Returned in place of a line over the bound (compared by identity). */
    static final String TOO_LONG = new String("<line too long>");

    private final Reader in;
    private final int maxChars;
    private final char[] buf = new char[8192];
    private int pos;
    private int len;
    private boolean terminated = true;

    BoundedLineReader(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** Whether the last line returned ended with a newline (false: the stream ended mid-line). */
    boolean terminated() {
        return terminated;
    }

    /** The next line without its terminator, {@link #TOO_LONG}, or null at end of stream. */
    String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        boolean overflow = false;
        while (true) {
            if (pos == len) {
                len = in.read(buf);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    terminated = false;
                    if (overflow) {
                        return TOO_LONG;
                    }
                    return line.isEmpty() ? null : line.toString();
                }
            }
            int start = pos;
            while (pos < len && buf[pos] != '\n') {
                pos++;
            }
            if (!overflow) {
                line.append(buf, start, pos - start);
                if (line.length() > maxChars) {
                    overflow = true;
                    line.setLength(0);
                }
            }
            if (pos < len) {
                pos++; // the newline
                terminated = true;
                if (overflow) {
                    return TOO_LONG;
                }
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
        }
    }
}
