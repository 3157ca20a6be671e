package dev.serveragent.net;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Socket;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Connection;
import okhttp3.Interceptor;
import okhttp3.Protocol;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection rule of {@link OutgoingHttp}: a network interceptor that knows, for each
 * exchange, whether its connection was reused, whether any byte came back, and how long the peer
 * lets the connection live; and an application interceptor that sends a request again, on
 * another connection, when the peer closed a reused one without answering. Thread-safe.
 */
final class PeerConnections {
    private static final Logger log = LoggerFactory.getLogger(PeerConnections.class);
    /** Each retry discards one stale connection; OkHttp's pool keeps at most 5 idle ones. */
    static final int MAX_ATTEMPTS = 7;
    /** Peers count their keep-alive from their last write; ours starts a little later. */
    static final long KEEP_ALIVE_MARGIN_NS = TimeUnit.SECONDS.toNanos(1);
    private static final Pattern TIMEOUT = Pattern.compile("timeout\\s*=\\s*(\\d+)");

    /** Exchanges a connection has carried, and until when its peer keeps it (nanoTime; MAX_VALUE: no limit said). */
    private static final class State {
        int exchanges;
        long usableUntil = Long.MAX_VALUE;
    }

    /** The request never reached the peer's application: it may be sent again. */
    static final class Unanswered extends IOException {
        Unanswered(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Map<Connection, State> states = new WeakHashMap<>();

    Response sendAgainOnFreshConnection(Interceptor.Chain chain) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return chain.proceed(chain.request());
            } catch (Unanswered e) {
                boolean replayable = chain.request().body() == null || !chain.request().body().isOneShot();
                if (!replayable || attempt >= MAX_ATTEMPTS || chain.call().isCanceled()) {
                    // Still never read by the peer: a plain failure, safe for the caller to retry.
                    throw new IOException("not sent: " + e.getMessage());
                }
                log.debug("Sending {} {} again on a fresh connection: {}", chain.request().method(), chain.request().url().redact(), e.getMessage());
            }
        }
    }

    Response watch(Interceptor.Chain chain) throws IOException {
        Connection connection = chain.connection();
        boolean reused;
        synchronized (states) {
            State s = states.computeIfAbsent(connection, c -> new State());
            reused = s.exchanges++ > 0;
            // HTTP/2 multiplexes: its connection is never closed here (and its answers carry no keep-alive limits).
            if (reused && connection.protocol() != Protocol.HTTP_2 && System.nanoTime() - s.usableUntil > 0) {
                connection.socket().close(); // never offered again by the pool
                throw new Unanswered("the peer's keep-alive limit for this connection had passed", null);
            }
        }
        Socket socket = connection.socket();
        CountingSocket.Baseline before = CountingSocket.of(socket).map(CountingSocket::baseline).orElse(null);
        Response response;
        try {
            response = chain.proceed(chain.request());
        } catch (IOException e) {
            if (reused && closedByPeer(e) && !chain.call().isCanceled() && (nothingCameBack(socket, before) || noStatusLine(e))) {
                throw new Unanswered("a reused connection was closed before any answer came: " + e.getMessage(), e);
            }
            throw e;
        }
        long limit = usableFor(response);
        if (limit != Long.MAX_VALUE) {
            synchronized (states) {
                states.get(connection).usableUntil = System.nanoTime() + limit;
            }
        }
        return response;
    }

    /** How long (ns) the peer keeps this connection after this answer; MAX_VALUE when it did not say. */
    static long usableFor(Response response) {
        String connection = response.header("Connection", "").toLowerCase(Locale.ROOT);
        if (connection.contains("close")) {
            return 0;
        }
        if (response.protocol() == Protocol.HTTP_1_0 && !connection.contains("keep-alive")) {
            return 0; // an HTTP/1.0 server closes after every answer unless it says otherwise
        }
        Matcher m = TIMEOUT.matcher(response.header("Keep-Alive", ""));
        if (m.find()) {
            return Math.max(0, TimeUnit.SECONDS.toNanos(Long.parseLong(m.group(1))) - KEEP_ALIVE_MARGIN_NS);
        }
        return Long.MAX_VALUE;
    }

    /** The peer ended the connection (EOF, reset, broken pipe), as opposed to a timeout or a cancel. */
    private static boolean closedByPeer(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedIOException) {
                return false;
            }
        }
        return true;
    }

    /**
     * The connection ended before the first byte of a status line: OkHttp's reader found the stream
     * at its end with nothing buffered ({@code "\\n not found: limit=0"}). The byte count below can
     * miss this under TLS when the peer's close_notify alert, sent as it dropped the idle
     * connection, reaches the socket only after the request was written (seen once in CI on a loaded
     * host); the alert is bytes on the wire, but no byte of an answer.
     */
    private static boolean noStatusLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.EOFException && t.getMessage() != null && t.getMessage().startsWith("\\n not found: limit=0 ")) {
                return true;
            }
        }
        return false;
    }

    /**
     * No byte of an answer arrived: every byte read from the wire since the exchange began was
     * already waiting there before the request was written ({@code baseline}). That holds under
     * TLS too, where a peer that drops an idle connection sends a close_notify alert (and may have
     * left a session ticket) before closing: bytes, but none of them an answer to this request.
     */
    private static boolean nothingCameBack(Socket socket, CountingSocket.Baseline baseline) {
        return baseline != null && CountingSocket.of(socket).map(c -> c.bytesRead() - baseline.read() <= baseline.waiting()).orElse(false);
    }
}
