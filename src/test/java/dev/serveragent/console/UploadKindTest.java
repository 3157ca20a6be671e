package dev.serveragent.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What an upload is, by its bytes, and the names it is shown and kept under. */
class UploadKindTest {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void photos_voices_and_documents_are_told_by_their_first_bytes_not_by_their_names() {
        assertThat(UploadKind.sniff(bytes(0xFF, 0xD8, 0xFF, 0xE0))).isEqualTo(new UploadKind("photo", "image/jpeg", ".jpg"));
        assertThat(UploadKind.sniff(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)).mime()).isEqualTo("image/png");
        assertThat(UploadKind.sniff(ascii("GIF89a...")).mime()).isEqualTo("image/gif");
        assertThat(UploadKind.sniff(ascii("RIFF\0\0\0\0WEBPVP8 ")).mime()).isEqualTo("image/webp");
        assertThat(UploadKind.sniff(ascii("OggS\0\2")).media()).isEqualTo("voice");
        assertThat(UploadKind.sniff(bytes(0x1A, 0x45, 0xDF, 0xA3, 0x9F)).mime()).isEqualTo("audio/webm");
        assertThat(UploadKind.sniff(ascii("RIFF\0\0\0\0WAVEfmt ")).mime()).isEqualTo("audio/wav");
        assertThat(UploadKind.sniff(ascii("ID3\3\0")).mime()).isEqualTo("audio/mpeg");
        assertThat(UploadKind.sniff(ascii("\0\0\0\u0020ftypM4A ")).mime()).isEqualTo("audio/mp4");
        assertThat(UploadKind.sniff(ascii("%PDF-1.7\n")).mime()).isEqualTo("application/pdf");
        assertThat(UploadKind.sniff("journalctl says: ünïcode ✓".getBytes(StandardCharsets.UTF_8)).mime()).isEqualTo("text/plain");
        assertThat(UploadKind.sniff(bytes(0x00, 0x01, 0x02, 0x7F)).mime()).isEqualTo("application/octet-stream");
        assertThat(UploadKind.sniff(bytes(0xC3, 0x28, 'a')).mime()).as("invalid UTF-8 is not text").isEqualTo("application/octet-stream");
    }

    @Test
    void a_long_text_cut_in_the_middle_of_a_character_at_the_sniffing_limit_is_still_text() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // 3 bytes
        byte[] text = new byte[UploadKind.TEXT_SNIFF_BYTES + 30];
        Arrays.fill(text, (byte) 'a');
        System.arraycopy(euro, 0, text, UploadKind.TEXT_SNIFF_BYTES - 1, euro.length);
        assertThat(UploadKind.sniff(text).mime()).isEqualTo("text/plain");
    }

    @Test
    void a_claimed_type_that_the_bytes_contradict_is_named() {
        UploadKind text = UploadKind.sniff(ascii("hello"));
        assertThat(text.disagreement("image/png")).isEqualTo("the file is sent as image/png but its content is text/plain");
        assertThat(UploadKind.sniff(bytes(0, 1, 2)).disagreement("audio/ogg")).contains("not a file type I know");
        assertThat(text.disagreement("application/pdf")).isNotNull();
        assertThat(text.disagreement("text/plain")).isNull();
        assertThat(text.disagreement("application/octet-stream")).isNull();
        assertThat(text.disagreement(null)).isNull();
    }

    @Test
    void names_lose_their_path_and_control_characters_and_keys_keep_only_safe_characters() {
        assertThat(UploadKind.displayName("../../etc/passwd", ".txt")).isEqualTo("passwd");
        assertThat(UploadKind.displayName("C:\\Users\\me\\report\u202E.pdf", ".pdf")).isEqualTo("report.pdf");
        assertThat(UploadKind.displayName("a\u0000b\nc.png", ".png")).isEqualTo("abc.png");
        assertThat(UploadKind.displayName("..", ".jpg")).isEqualTo("upload.jpg");
        assertThat(UploadKind.displayName(null, ".ogg")).isEqualTo("upload.ogg");
        assertThat(UploadKind.displayName("x".repeat(300), "")).hasSize(120);
        assertThat(UploadKind.keyName("Сводка за май (final).pdf")).matches("[A-Za-z0-9._-]+").endsWith(".pdf");
        assertThat(UploadKind.keyName("..hidden..name")).doesNotContain("..");
        assertThat(UploadKind.keyName("y".repeat(100) + ".pdf")).hasSize(60).endsWith(".pdf");
    }
}
