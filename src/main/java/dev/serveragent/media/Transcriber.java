package dev.serveragent.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.config.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

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
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        apiKey.ifPresent(k -> request.header("Authorization", "Bearer " + k.reveal()));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new MediaException("transcription endpoint answered HTTP " + response.statusCode() + ": " + abbreviate(response.body()));
            }
            JsonNode text = JSON.readTree(response.body()).get("text");
            if (text == null || !text.isTextual()) {
                throw new MediaException("transcription answer has no text: " + abbreviate(response.body()));
            }
            return text.asText();
        } catch (IOException e) {
            throw new MediaException("transcription request failed: " + e.getClass().getSimpleName() + " " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException("transcription interrupted");
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
