package dev.serveragent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.serveragent.testing.ClosingHttpServer;
import dev.serveragent.testing.ClosingHttpServer.Answer;
import dev.serveragent.testing.ClosingHttpServer.Mode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection rule of {@link OutgoingHttp} against servers that close connections the ways
 * real peers do: what is sent again on a fresh connection (the peer never read it) and what is
 * left to the caller (the peer may have acted on it).
 */
class PeerConnectionsTest {
    private final OkHttpClient client = OutgoingHttp.builder(Duration.ofSeconds(2), Duration.ofMillis(800)).build();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private ClosingHttpServer server;

    @AfterEach
    void close() {
        server.close();
    }

    private ClosingHttpServer serve(Mode mode, Duration idle, Function<String, Answer> answer) {
        server = ClosingHttpServer.start(mode, idle, r -> {
            received.add(r.text());
            return answer.apply(r.text());
        });
        return server;
    }

    private String post(String body) throws IOException {
        Request request = new Request.Builder().url(server.url() + "/call")
                .post(RequestBody.create(body, MediaType.get("text/plain"))).build();
        try (Response response = client.newCall(request).execute()) {
            return response.code() + " " + response.body().string();
        }
    }

    private static Answer ok(String body) {
        return new Answer(200, "text/plain", "done " + body);
    }

    @Test
    void a_connection_the_peer_dropped_while_idle_is_not_the_end_of_the_next_request() throws IOException {
        serve(Mode.IDLE_TIMEOUT, Duration.ofMillis(300), PeerConnectionsTest::ok);
        assertThat(post("first")).isEqualTo("200 done first");
        await().atMost(Duration.ofSeconds(5)).until(() -> server.idleCloses() == 1);
        assertThat(post("second")).isEqualTo("200 done second");
        assertThat(received).containsExactly("first", "second");
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void after_an_http_1_0_answer_the_connection_is_never_used_again() throws IOException {
        serve(Mode.HTTP_1_0, Duration.ZERO, PeerConnectionsTest::ok);
        for (String s : List.of("a", "b", "c")) {
            assertThat(post(s)).isEqualTo("200 done " + s);
        }
        assertThat(received).containsExactly("a", "b", "c");
        assertThat(server.connections()).isEqualTo(3);
    }

    @Test
    void an_announced_keep_alive_timeout_is_kept_with_a_margin() throws IOException {
        // "Keep-Alive: timeout=1" leaves nothing after the one-second margin: never reused.
        serve(Mode.ANNOUNCED_IDLE_TIMEOUT, Duration.ofSeconds(1), PeerConnectionsTest::ok);
        assertThat(post("a")).isEqualTo("200 done a");
        assertThat(post("b")).isEqualTo("200 done b");
        assertThat(server.connections()).isEqualTo(2);
        assertThat(PeerConnections.usableFor(new Response.Builder().request(new Request.Builder().url("http://x/").build())
                .protocol(okhttp3.Protocol.HTTP_1_1).code(200).message("OK").header("Keep-Alive", "timeout=5, max=100").build()))
                .isEqualTo(Duration.ofSeconds(4).toNanos());
    }

    @Test
    void a_reused_connection_closed_without_a_byte_of_answer_is_sent_again_on_a_fresh_one() throws IOException {
        serve(Mode.IDLE_TIMEOUT, Duration.ofSeconds(30), body -> body.equals("dropped") && received.size() == 2 ? Answer.CLOSE : ok(body));
        assertThat(post("warm")).isEqualTo("200 done warm");
        assertThat(post("dropped")).isEqualTo("200 done dropped");
        assertThat(received).containsExactly("warm", "dropped", "dropped");
    }

    @Test
    void a_fresh_connection_closed_without_an_answer_is_left_to_the_caller() {
        serve(Mode.IDLE_TIMEOUT, Duration.ofSeconds(30), body -> Answer.CLOSE);
        assertThatThrownBy(() -> post("once")).isInstanceOf(IOException.class);
        assertThat(received).containsExactly("once");
    }

    @Test
    void an_answer_cut_off_after_its_first_bytes_is_never_sent_again() throws IOException {
        serve(Mode.IDLE_TIMEOUT, Duration.ofSeconds(30), body -> body.equals("cut") ? Answer.CUT : ok(body));
        assertThat(post("warm")).isEqualTo("200 done warm");
        assertThatThrownBy(() -> post("cut")).isInstanceOf(IOException.class);
        assertThat(received).containsExactly("warm", "cut");
    }

    @Test
    void a_timeout_on_a_reused_connection_is_never_sent_again() throws IOException {
        serve(Mode.IDLE_TIMEOUT, Duration.ofSeconds(30), body -> {
            if (body.equals("slow")) {
                try {
                    Thread.sleep(2_000); // longer than the client's 800 ms read timeout
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ok(body);
        });
        assertThat(post("warm")).isEqualTo("200 done warm");
        assertThatThrownBy(() -> post("slow")).isInstanceOf(InterruptedIOException.class);
        assertThat(received).containsExactly("warm", "slow");
    }
}
