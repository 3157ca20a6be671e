package dev.serveragent.media;

import com.anthropic.core.RequestOptions;
import com.anthropic.core.Timeout;
import com.anthropic.core.http.Headers;
import com.anthropic.core.http.HttpClient;
import com.anthropic.core.http.HttpRequest;
import com.anthropic.core.http.HttpRequestBody;
import com.anthropic.core.http.HttpResponse;
import com.anthropic.errors.AnthropicIoException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * The Anthropic SDK's transport over an {@link dev.serveragent.net.OutgoingHttp} client, so that
 * Haiku calls follow the same connection rule as every other outgoing request (the SDK's own
 * OkHttp transport builds a client we cannot add the rule to). Per-request timeouts are the SDK's.
 * Thread-safe; closing it lets the pool's idle connections go.
 */
final class AnthropicHttp implements HttpClient {
    private final OkHttpClient http;

    AnthropicHttp(OkHttpClient http) {
        this.http = http;
    }

    @Override
    public HttpResponse execute(HttpRequest request, RequestOptions options) {
        try {
            return adapt(call(request, options).execute());
        } catch (IOException e) {
            throw new AnthropicIoException("Request failed", e);
        }
    }

    @Override
    public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions options) {
        CompletableFuture<HttpResponse> future = new CompletableFuture<>();
        Call call = call(request, options);
        call.enqueue(new Callback() {
            @Override
            public void onResponse(Call c, Response response) {
                future.complete(adapt(response));
            }

            @Override
            public void onFailure(Call c, IOException e) {
                future.completeExceptionally(new AnthropicIoException("Request failed", e));
            }
        });
        future.whenComplete((r, e) -> {
            if (future.isCancelled()) {
                call.cancel();
            }
        });
        return future;
    }

    @Override
    public void close() {
        http.connectionPool().evictAll();
    }

    private Call call(HttpRequest request, RequestOptions options) {
        OkHttpClient client = http;
        if (options.timeout().isPresent()) {
            Timeout t = options.timeout().get();
            client = http.newBuilder().connectTimeout(t.connect()).readTimeout(t.read()).writeTimeout(t.write())
                    .callTimeout(t.request()).build(); // shares the pool and the rule
        }
        Request.Builder out = new Request.Builder().url(request.url());
        Headers headers = request.headers();
        for (String name : headers.names()) {
            for (String value : headers.values(name)) {
                out.addHeader(name, value);
            }
        }
        RequestBody body = request.body().map(AnthropicHttp::body).orElse(null);
        String method = request.method().name();
        if (body == null && (method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))) {
            body = RequestBody.create(new byte[0]);
        }
        return client.newCall(out.method(method, body).build());
    }

    private static RequestBody body(HttpRequestBody body) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return body.contentType() == null ? null : MediaType.parse(body.contentType());
            }

            @Override
            public long contentLength() {
                return body.contentLength();
            }

            @Override
            public boolean isOneShot() {
                return !body.repeatable();
            }

            @Override
            public void writeTo(BufferedSink sink) {
                body.writeTo(sink.outputStream());
            }
        };
    }

    private static HttpResponse adapt(Response response) {
        Headers.Builder headers = Headers.builder();
        response.headers().forEach(h -> headers.put(h.getFirst(), h.getSecond()));
        Headers built = headers.build();
        return new HttpResponse() {
            @Override
            public int statusCode() {
                return response.code();
            }

            @Override
            public Headers headers() {
                return built;
            }

            @Override
            public InputStream body() {
                return response.body().byteStream();
            }

            @Override
            public void close() {
                response.close();
            }
        };
    }
}
