package dev.serveragent.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.net.OutgoingHttp;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * The HTTP client under the Bot API library, built so that a caller can tell a request Telegram
 * never received from one it may have acted on (docs/TELEGRAM.md, "Delivery rules"):
 * <ul>
 *   <li>It is an {@link OutgoingHttp} client: OkHttp's silent retry is off (it would re-post a
 *       request whose answer was lost, and Telegram would send the message twice); a request the
 *       Bot API closed a reused connection on without answering is sent again on a fresh one
 *       before anything here sees it; connections live no longer than the Bot API allows.</li>
 *   <li>A failure after the request was written in full becomes {@link AnswerLost}; a failure
 *       before (connect refused, DNS, connect timeout, write broken off) stays a plain
 *       {@link IOException}: Telegram cannot have acted on an incomplete request.</li>
 *   <li>An answer that is not Bot API JSON becomes {@link AnswerLost} when its status says the
 *       request may have been done (2xx; 502, 504 and other 5xx from a proxy), and a plain
 *       {@link IOException} when it says it was not (503 from a proxy, other statuses).</li>
 * </ul>
 * The library wraps both in a {@code RuntimeException}; {@link #answerLost} finds ours.
 */
public final class BotApiHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bot API answers are small; a longer body is not one. */
    private static final long MAX_ANSWER_BYTES = 4L * 1024 * 1024;

    private BotApiHttp() {}

    /** Telegram may have acted on the request: its answer was lost, cut short or unreadable. */
    public static final class AnswerLost extends IOException {
        private final int status;

        AnswerLost(int status, String message, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        /** The HTTP status of the unreadable answer; 0 when none arrived. */
        public int status() {
            return status;
        }

        /** Telegram answered 2xx: it took the request, only its answer could not be read. */
        public boolean accepted() {
            return status >= 200 && status < 300;
        }
    }

    public static OkHttpClient client(Duration connectTimeout, Duration ioTimeout) {
        return OutgoingHttp.builder(connectTimeout, ioTimeout)
                // A network interceptor runs once the connection is up, around the exchange itself.
                .addNetworkInterceptor(BotApiHttp::intercept)
                .build();
    }

    /** The {@link AnswerLost} behind a library exception, if that is what it is. */
    public static java.util.Optional<AnswerLost> answerLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AnswerLost lost) {
                return java.util.Optional.of(lost);
            }
        }
        return java.util.Optional.empty();
    }

    private static Response intercept(Interceptor.Chain chain) throws IOException {
        Request request = chain.request();
        if (request.url().encodedPath().contains("/file/bot")) {
            return chain.proceed(request); // a file download: bytes, not a Bot API answer
        }
        AtomicBoolean written = new AtomicBoolean(request.body() == null);
        if (request.body() != null) {
            request = request.newBuilder().method(request.method(), new Tracked(request.body(), written)).build();
        }
        Response response;
        try {
            response = chain.proceed(request);
        } catch (IOException e) {
            if (written.get()) {
                throw new AnswerLost(0, "the request was written, then " + e, e);
            }
            throw e;
        }
        boolean readable;
        try {
            readable = isBotApiAnswer(response);
        } catch (IOException e) {
            response.close();
            throw new AnswerLost(response.code(), "HTTP " + response.code() + " answer cut off: " + e, e);
        }
        if (readable) {
            return response;
        }
        int status = response.code();
        response.close();
        if (status == 503 || (status < 500 && (status < 200 || status >= 300))) {
            throw new IOException("HTTP " + status + " without a Bot API answer: not done");
        }
        throw new AnswerLost(status, "HTTP " + status + " without a readable Bot API answer", null);
    }

    private static boolean isBotApiAnswer(Response response) throws IOException {
        try {
            JsonNode root = JSON.readTree(response.peekBody(MAX_ANSWER_BYTES).bytes());
            return root != null && root.isObject() && root.path("ok").isBoolean();
        } catch (IOException e) {
            if (e instanceof com.fasterxml.jackson.core.JacksonException) {
                return false;
            }
            throw e; // the body was cut off
        }
    }

    /** Marks the request written once its whole body has been handed to the connection. */
    private static final class Tracked extends RequestBody {
        private final RequestBody body;
        private final AtomicBoolean written;

        Tracked(RequestBody body, AtomicBoolean written) {
            this.body = body;
            this.written = written;
        }

        @Override
        public MediaType contentType() {
            return body.contentType();
        }

        @Override
        public long contentLength() throws IOException {
            return body.contentLength();
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            body.writeTo(sink);
            written.set(true);
        }
    }
}
