package dev.serveragent.admin;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;

/**
 * Recognises a request that failed because its client went away or was too slow (a closed
 * socket, a body slower than the minimum data rate, an idle timeout): worth one log line, never
 * an ERROR with a stack trace.
 */
final class ClientAbort {
    private ClientAbort() {}

    static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof BadMessageException) {
                return true;
            }
        }
        return false;
    }

    /** The status a bad or timed-out body calls for (408 for a timeout), else 400. */
    static int status(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BadMessageException bad) {
                return bad.getCode();
            }
            if (t instanceof TimeoutException) {
                return 408;
            }
        }
        return 400;
    }

    /** The innermost cause in a few words, without a stack trace. */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
