package dev.serveragent.web;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.EofException;

/**
 * Recognises a request that failed because its client went away or was too slow (a closed
 * socket, a body cut off at its deadline, an idle timeout): worth one log line, never
 * an ERROR with a stack trace.
 */
final class ClientAbort {
    private ClientAbort() {}

    static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // Only what Jetty raises for the client's side of the socket: an IOException of our own
            // (a full disk, a failed peer) stays an ERROR.
            if (t instanceof EofException || t instanceof ClosedChannelException || t instanceof TimeoutException
                    || t instanceof BadMessageException) {
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
