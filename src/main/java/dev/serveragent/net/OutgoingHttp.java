package dev.serveragent.net;

import java.time.Duration;
import okhttp3.OkHttpClient;

/**
 * Where every outgoing HTTP client of the agent is made (Bot API, Anthropic API, transcription,
 * Telegram file downloads), so that one rule about connections the peer closes holds for all of
 * them (docs/RELIABILITY.md, "Connections the peer closes"):
 * <ul>
 *   <li>OkHttp's own silent retry is off: it re-posts requests whose answer may have started.</li>
 *   <li>A request that fails on a <em>reused</em> connection before any byte of an answer
 *       arrived, because the peer closed or reset the connection (not a timeout), is sent again
 *       on a fresh connection: the peer closed a connection it considered idle, so it never read
 *       the request. A failure on a fresh connection, a timeout, or one after any byte came back
 *       is left to the caller, who decides whether the request may have been acted on.</li>
 *   <li>A connection is not reused beyond what its peer allows: after an {@code HTTP/1.0} answer
 *       without {@code Connection: keep-alive}, after {@code Connection: close}, and once the
 *       {@code Keep-Alive: timeout=N} it announced has (almost) run out.</li>
 * </ul>
 * The rule lives in {@link PeerConnections}; clients built from one builder share it and its
 * connection pool.
 */
public final class OutgoingHttp {
    private OutgoingHttp() {}

    /** A builder with the rule in place and these timeouts; callers add their own interceptors. */
    public static OkHttpClient.Builder builder(Duration connectTimeout, Duration ioTimeout) {
        PeerConnections rule = new PeerConnections();
        return new OkHttpClient.Builder()
                .connectTimeout(connectTimeout).writeTimeout(ioTimeout).readTimeout(ioTimeout)
                .retryOnConnectionFailure(false)
                .socketFactory(CountingSocket.FACTORY)
                .addInterceptor(rule::sendAgainOnFreshConnection)
                .addNetworkInterceptor(rule::watch);
    }
}
