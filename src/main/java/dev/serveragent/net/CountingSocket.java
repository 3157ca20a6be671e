package dev.serveragent.net;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;

/**
 * A plain TCP socket that counts the bytes read from it, so that a failed exchange can tell
 * whether any byte came back from the peer. OkHttp layers TLS over this socket, so the count is
 * of bytes on the wire; {@link #of} finds the raw socket under a TLS one by their shared
 * addresses. Only the counting differs from {@link Socket}.
 */
final class CountingSocket extends Socket {
    private static final Map<String, CountingSocket> CONNECTED = new ConcurrentHashMap<>();
    private final AtomicLong read = new AtomicLong();
    private volatile InputStream in;
    private volatile String key;

    /** Makes unconnected counting sockets (OkHttp connects them itself). */
    static final SocketFactory FACTORY = new SocketFactory() {
        @Override
        public Socket createSocket() {
            return new CountingSocket();
        }

        @Override
        public Socket createSocket(String host, int port) {
            throw new UnsupportedOperationException("OkHttp creates unconnected sockets");
        }

        @Override
        public Socket createSocket(String host, int port, java.net.InetAddress local, int localPort) {
            throw new UnsupportedOperationException("OkHttp creates unconnected sockets");
        }

        @Override
        public Socket createSocket(java.net.InetAddress host, int port) {
            throw new UnsupportedOperationException("OkHttp creates unconnected sockets");
        }

        @Override
        public Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress local, int localPort) {
            throw new UnsupportedOperationException("OkHttp creates unconnected sockets");
        }
    };

    /** The counting socket under {@code socket} (itself, or the one a TLS socket is layered on). */
    static Optional<CountingSocket> of(Socket socket) {
        if (socket instanceof CountingSocket c) {
            return Optional.of(c);
        }
        return Optional.ofNullable(CONNECTED.get(key(socket)));
    }

    /** Bytes read from the peer so far. */
    long bytesRead() {
        return read.get();
    }

    /** Bytes read so far, and bytes that arrived and wait unread: taken before a request is written. */
    record Baseline(long read, long waiting) {}

    Baseline baseline() {
        long waiting;
        try {
            waiting = getInputStream().available(); // what the kernel holds (FIONREAD); nothing is consumed
        } catch (IOException e) {
            waiting = 0;
        }
        return new Baseline(read.get(), waiting);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        super.connect(endpoint, timeout);
        key = key(this);
        CONNECTED.put(key, this);
    }

    @Override
    public InputStream getInputStream() throws IOException {
        if (in == null) {
            in = new FilterInputStream(super.getInputStream()) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        read.incrementAndGet();
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    if (n > 0) {
                        read.addAndGet(n);
                    }
                    return n;
                }
            };
        }
        return in;
    }

    @Override
    public synchronized void close() throws IOException {
        if (key != null) {
            CONNECTED.remove(key, this);
        }
        super.close();
    }

    private static String key(Socket s) {
        return s.getLocalSocketAddress() + ">" + s.getRemoteSocketAddress();
    }
}
