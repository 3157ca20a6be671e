package dev.serveragent.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An HTTP server on 127.0.0.1 written on raw sockets, so that it closes connections the way real
 * peers do and the JDK server never does: {@link Mode#HTTP_1_0} answers {@code HTTP/1.0} and
 * closes after every answer (an old server); {@link Mode#IDLE_TIMEOUT} keeps connections alive
 * and closes one idle for {@code idle} without a word (a proxy); {@link Mode#ANNOUNCED_IDLE_TIMEOUT}
 * does the same and says so with {@code Keep-Alive: timeout=N} (Node's default, 5 s). Requests
 * may come with {@code Content-Length} or chunked. A virtual thread per connection.
 */
public final class ClosingHttpServer implements AutoCloseable {
    public enum Mode { HTTP_1_0, IDLE_TIMEOUT, ANNOUNCED_IDLE_TIMEOUT }

    /** One request; header names are lower case. */
    public record Request(String method, String path, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * The answer to write; {@link #CLOSE} closes the connection without a byte of answer, {@link
     * #CUT} after the first bytes of a status line.
     */
    public record Answer(int status, String contentType, String body) {
        public static final Answer CLOSE = new Answer(-1, "", "");
        public static final Answer CUT = new Answer(-2, "", "");
    }

    private final ServerSocket server;
    private final Mode mode;
    private final Duration idle;
    private final Function<Request, Answer> handler;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong idleCloses = new AtomicLong();
    private volatile boolean closed;

    private final String scheme;

    private ClosingHttpServer(Mode mode, Duration idle, Function<Request, Answer> handler, javax.net.ServerSocketFactory sockets,
            String scheme) throws IOException {
        this.mode = mode;
        this.idle = idle;
        this.handler = handler;
        this.scheme = scheme;
        server = sockets.createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        Thread.ofVirtual().name("closing-http-accept").start(this::accept);
    }

    public static ClosingHttpServer start(Mode mode, Duration idle, Function<Request, Answer> handler) {
        try {
            return new ClosingHttpServer(mode, idle, handler, javax.net.ServerSocketFactory.getDefault(), "http");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The same over TLS with {@code tls}'s certificate (an idle close then sends close_notify first). */
    public static ClosingHttpServer startTls(Mode mode, Duration idle, javax.net.ssl.SSLContext tls, Function<Request, Answer> handler) {
        try {
            return new ClosingHttpServer(mode, idle, handler, tls.getServerSocketFactory(), "https");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String url() {
        return scheme + "://127.0.0.1:" + server.getLocalPort();
    }

    /** Connections accepted so far. */
    public long connections() {
        return connections.get();
    }

    /** Connections this server closed for being idle. */
    public long idleCloses() {
        return idleCloses.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread.ofVirtual().name("closing-http-conn").start(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            if (socket instanceof javax.net.ssl.SSLSocket tls) {
                // The handshake is connecting, not idling: a TLS proxy's idle timeout starts after it.
                // (Read lazily under the idle timeout, a handshake slower than a short timeout on a
                // busy machine was cut off and the client saw SSL_NULL_WITH_NULL_NULL.)
                socket.setSoTimeout(10_000);
                tls.startHandshake();
            }
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                if (mode != Mode.HTTP_1_0) {
                    socket.setSoTimeout((int) idle.toMillis()); // waiting for the next request
                }
                int first;
                try {
                    first = in.read();
                } catch (SocketTimeoutException e) {
                    idleCloses.incrementAndGet();
                    return; // idle too long: close without a word
                }
                if (first < 0) {
                    return;
                }
                socket.setSoTimeout(10_000);
                Request request = read(first, in);
                Answer answer = handler.apply(request);
                if (answer.status() == Answer.CUT.status()) {
                    out.write("HTTP/1.1 2".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                if (answer.status() < 0) {
                    return;
                }
                write(out, answer);
                if (mode == Mode.HTTP_1_0) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away: nothing to answer
        } finally {
            open.remove(socket);
        }
    }

    private static Request read(int first, InputStream in) throws IOException {
        String requestLine = (char) first + line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                    size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                b.writeBytes(in.readNBytes(size));
                line(in);
            }
            while (!line(in).isEmpty()) { } // trailers
            body = b.toByteArray();
        } else {
            body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        }
        String[] parts = requestLine.split(" ");
        return new Request(parts[0], parts[1], headers, body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("connection closed mid-request");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private void write(OutputStream out, Answer answer) throws IOException {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(mode == Mode.HTTP_1_0 ? "HTTP/1.0 " : "HTTP/1.1 ")
                .append(answer.status()).append(answer.status() < 300 ? " OK" : " Error").append("\r\n")
                .append("Content-Type: ").append(answer.contentType()).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        if (mode == Mode.ANNOUNCED_IDLE_TIMEOUT) {
            head.append("Connection: keep-alive\r\nKeep-Alive: timeout=").append(idle.toSeconds()).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
