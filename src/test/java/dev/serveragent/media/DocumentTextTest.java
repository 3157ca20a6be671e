package dev.serveragent.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DocumentTextTest {
    private static ObjectNode extract(String mime, String name, byte[] bytes) {
        ObjectNode content = new ObjectMapper().createObjectNode();
        DocumentText.addTo(content, mime, name, bytes);
        return content;
    }

    @Test
    void a_long_text_file_keeps_its_beginning_and_says_it_was_cut() {
        String text = "x".repeat(DocumentText.MAX_CHARS) + "tail";
        ObjectNode content = extract("text/plain", "log.txt", text.getBytes(StandardCharsets.UTF_8));
        assertThat(content.path("text").asText()).hasSize(DocumentText.MAX_CHARS).doesNotContain("tail");
        assertThat(content.path("text_truncated").asBoolean()).isTrue();
    }

    @Test
    void a_pdf_is_recognised_by_its_name_when_telegram_gives_no_mime_type() throws Exception {
        byte[] pdf;
        try (var in = DocumentTextTest.class.getResourceAsStream("/files/report.pdf")) {
            pdf = in.readAllBytes();
        }
        ObjectNode content = extract("application/octet-stream", "Report.PDF", pdf);
        assertThat(content.path("text").asText()).isEqualTo("Quarterly report: disk usage 73 percent");
    }

    @Test
    void other_binary_files_get_no_text() {
        ObjectNode content = extract("application/zip", "backup.zip", new byte[] {'P', 'K', 3, 4});
        assertThat(content.isEmpty()).isTrue();
    }
}
