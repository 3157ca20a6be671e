package dev.serveragent.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Just enough S3 for HeadBucket/CreateBucket/PutObject/GetObject, path-style; decodes
 * aws-chunked uploads. Starts with the bucket {@code agent-media} unless given others; can
 * refuse bucket creation (403 AccessDenied) or be {@link #down} (503 to everything).
 */
public final class FakeS3 implements AutoCloseable {
    public final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    public final java.util.Set<String> buckets = ConcurrentHashMap.newKeySet();
    public volatile boolean mayCreateBuckets = true;
    public volatile boolean down;
    private final HttpServer server;

    public FakeS3() throws IOException {
        this("agent-media");
    }

    public FakeS3(String... buckets) throws IOException {
        this.buckets.addAll(List.of(buckets));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            String path = ex.getRequestURI().getPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            if (down) {
                error(ex, 503, "ServiceUnavailable");
                return;
            }
            String bucket = path.substring(1).split("/", 2)[0];
            boolean bucketOnly = !path.substring(1).contains("/") || path.endsWith(bucket + "/");
            if (bucketOnly) {
                switch (ex.getRequestMethod()) {
                    case "HEAD" -> ex.sendResponseHeaders(buckets.contains(bucket) ? 200 : 404, -1);
                    case "PUT" -> {
                        if (!mayCreateBuckets) {
                            error(ex, 403, "AccessDenied");
                            return;
                        }
                        buckets.add(bucket);
                        ex.sendResponseHeaders(200, -1);
                    }
                    default -> ex.sendResponseHeaders(405, -1);
                }
                return;
            }
            if (!buckets.contains(bucket)) {
                error(ex, 404, "NoSuchBucket");
                return;
            }
            switch (ex.getRequestMethod()) {
                case "PUT" -> {
                    String sha = String.valueOf(ex.getRequestHeaders().getFirst("x-amz-content-sha256"));
                    objects.put(path, sha.startsWith("STREAMING-") ? dechunk(body) : body);
                    ex.getResponseHeaders().set("ETag", "\"fake\"");
                    ex.sendResponseHeaders(200, -1);
                }
                case "GET" -> {
                    byte[] obj = objects.get(path);
                    if (obj == null) {
                        ex.sendResponseHeaders(404, -1);
                        return;
                    }
                    ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
                    ex.sendResponseHeaders(200, obj.length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(obj);
                    }
                }
                case "DELETE" -> { // S3 answers 204 whether or not the key was there
                    objects.remove(path);
                    ex.sendResponseHeaders(204, -1);
                }
                default -> ex.sendResponseHeaders(405, -1);
            }
        }
    }

    private static void error(HttpExchange ex, int status, String code) throws IOException {
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + code
                + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/xml");
        ex.sendResponseHeaders(status, xml.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(xml);
        }
    }

    /** aws-chunked: {@code hex-size;chunk-signature=...\r\n data \r\n}, ending with a 0-size chunk. */
    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int lineEnd = indexOf(body, i);
            String header = new String(body, i, lineEnd - i, StandardCharsets.US_ASCII);
            int size = Integer.parseInt(header.split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(body, lineEnd + 2, size);
            i = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length - 1; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return b.length;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
