package dev.serveragent.claude;

import java.util.Objects;

/**
 * A derived artifact of a message ({@code message_artifacts}).
 *
 * @param kind {@code voice_transcript|image_json|ocr_text|file_meta|tool_result}
 * @param status e.g. {@code done}, {@code pending}, {@code failed}; shown so the model knows a transcript is missing
 * @param contentJson the artifact's JSON content, shown as is (bounded)
 */
public record ContextArtifact(String kind, String status, String contentJson) {
    public ContextArtifact {
        Objects.requireNonNull(kind, "kind");
        status = status == null ? "" : status;
        contentJson = contentJson == null ? "" : contentJson;
    }
}
