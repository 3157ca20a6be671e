package dev.serveragent.web;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;

/**
 * At most {@code max} open connections per client address; one more is closed as soon as it
 * opens. Jetty's own {@code ConnectionLimit} bounds the whole server; this keeps one client
 * (a slow-loris, a scanner) from taking all of it. Behind a reverse proxy every connection comes
 * from the proxy, which keeps few connections open, so the bound stays far above its needs.
 * Thread-safe (Jetty calls it from its selector threads).
 */
final class ClientConnectionLimit implements Connection.Listener {
    private final int max;
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
    /**
     * Each open connection's address, as counted when it opened: once the socket is closed its
     * remote address reads as null, and counting the close under another key would leak the count
     * until every new connection from that address was refused.
     */
    private final Map<Connection, String> addresses = new ConcurrentHashMap<>();

    ClientConnectionLimit(int max) {
        this.max = max;
    }

    @Override
    public void onOpened(Connection connection) {
        String client = client(connection);
        addresses.put(connection, client);
        int now = open.computeIfAbsent(client, k -> new AtomicInteger()).incrementAndGet();
        if (now > max) {
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        // Remove the entry once it reaches zero so the map stays as small as the set of live clients.
        String client = addresses.remove(connection);
        if (client != null) {
            open.computeIfPresent(client, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    /** Open connections of one client address (tests, metrics). */
    int openConnections(String address) {
        AtomicInteger n = open.get(address);
        return n == null ? 0 : n.get();
    }

    private static String client(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(remote);
    }
}
