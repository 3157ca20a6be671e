package dev.serveragent.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.config.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import dev.serveragent.net.OutgoingHttp;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Voice to text through an OpenAI-compatible {@code /v1/audio/transcriptions} endpoint
 * ({@code TRANSCRIBE_URL}): multipart {@code file} + {@code model}, bearer {@code TRANSCRIBE_API_KEY}
 * when set, JSON answer {@code {"text": ...}}. Thread-safe.
 */
public final class Transcriber {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI url;
    private final Optional<Secret> apiKey;
    private final String model;
    private final OkHttpClient http = OutgoingHttp.builder(Duration.ofSeconds(10), Duration.ofMinutes(5)).build();

    public Transcriber(URI url, Optional<Secret> apiKey, String model) {
        this.url = url;
        this.apiKey = apiKey;
        this.model = model;
    }

    /** The transcript text. */
    public String transcribe(byte[] audio, String fileName, String contentType) {
        String boundary = "----server-agent-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream(audio.length + 512);
        field(body, boundary, "model", model);
        field(body, boundary, "response_format", "json");
        write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName.replace("\"", "")
                + "\"\r\nContent-Type: " + contentType + "\r\n\r\n");
        body.writeBytes(audio);
        write(body, "\r\n--" + boundary + "--\r\n");
        Request.Builder request = new Request.Builder().url(url.toString())
                .post(RequestBody.create(body.toByteArray(), MediaType.get("multipart/form-data; boundary=" + boundary)));
        apiKey.ifPresent(k -> request.header("Authorization", "Bearer " + k.reveal()));
        try (Response response = http.newCall(request.build()).execute()) {
            String answer = response.body().string();
            if (response.code() / 100 != 2) {
                throw new MediaException("transcription endpoint answered HTTP " + response.code() + ": " + abbreviate(answer));
            }
            JsonNode text = JSON.readTree(answer).get("text");
            if (text == null || !text.isTextual()) {
                throw new MediaException("transcription answer has no text: " + abbreviate(answer));
            }
            return text.asText();
        } catch (IOException e) {
            throw new MediaException("transcription request failed: " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    private static void field(ByteArrayOutputStream out, String boundary, String name, String value) {
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
