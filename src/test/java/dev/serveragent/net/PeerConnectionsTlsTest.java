package dev.serveragent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.serveragent.testing.ClosingHttpServer;
import dev.serveragent.testing.ClosingHttpServer.Answer;
import dev.serveragent.testing.ClosingHttpServer.Mode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;

/**
 * The connection rule over TLS, as with the real Bot API and Anthropic API: a peer that drops an
 * idle connection sends its close_notify first, which is bytes on the wire but no answer.
 */
class PeerConnectionsTlsTest {
    private static final HeldCertificate CERT = new HeldCertificate.Builder().addSubjectAlternativeName("127.0.0.1").build();
    private static final HandshakeCertificates SERVER = new HandshakeCertificates.Builder().heldCertificate(CERT).build();
    private static final HandshakeCertificates CLIENT = new HandshakeCertificates.Builder().addTrustedCertificate(CERT.certificate()).build();

    private final OkHttpClient client = OutgoingHttp.builder(Duration.ofSeconds(2), Duration.ofSeconds(2))
            .sslSocketFactory(CLIENT.sslSocketFactory(), CLIENT.trustManager())
            .protocols(List.of(okhttp3.Protocol.HTTP_1_1)).build();
    private final List<String> received = new CopyOnWriteArrayList<>();

    private String post(ClosingHttpServer server, String body) throws IOException {
        Request request = new Request.Builder().url(server.url() + "/call").post(RequestBody.create(body, MediaType.get("text/plain"))).build();
        try (Response response = client.newCall(request).execute()) {
            return response.code() + " " + response.body().string();
        }
    }

    private ClosingHttpServer serve(Mode mode, Duration idle, java.util.function.Function<String, Answer> answer) {
        return ClosingHttpServer.startTls(mode, idle, SERVER.sslContext(), r -> {
            received.add(r.text());
            return answer.apply(r.text());
        });
    }

    @Test
    void a_tls_connection_the_peer_dropped_while_idle_is_not_the_end_of_the_next_request() throws IOException {
        try (ClosingHttpServer server = serve(Mode.IDLE_TIMEOUT, Duration.ofMillis(300), b -> new Answer(200, "text/plain", "done " + b))) {
            assertThat(post(server, "first")).isEqualTo("200 done first");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.idleCloses() == 1);
            assertThat(post(server, "second")).isEqualTo("200 done second");
            assertThat(received).containsExactly("first", "second");
        }
    }

    @Test
    void a_tls_answer_cut_off_after_its_first_bytes_is_never_sent_again() throws IOException {
        try (ClosingHttpServer server = serve(Mode.IDLE_TIMEOUT, Duration.ofSeconds(30),
                b -> b.equals("cut") ? Answer.CUT : new Answer(200, "text/plain", "done " + b))) {
            assertThat(post(server, "warm")).isEqualTo("200 done warm");
            assertThatThrownBy(() -> post(server, "cut")).isInstanceOf(IOException.class);
            assertThat(received).containsExactly("warm", "cut");
        }
    }
}
