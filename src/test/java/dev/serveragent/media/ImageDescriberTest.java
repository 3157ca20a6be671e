package dev.serveragent.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.models.messages.Base64ImageSource;
import org.junit.jupiter.api.Test;

class ImageDescriberTest {
    @Test
    void json_wrapped_in_a_code_fence_is_read() {
        var out = ImageDescriber.parse("```json\n{\"description\":\"A cat.\",\"text\":\"\",\"objects\":[\"cat\",\"sofa\"]}\n```");
        assertThat(out.path("description").asText()).isEqualTo("A cat.");
        assertThat(out.path("objects")).hasSize(2);
    }

    @Test
    void prose_becomes_the_description() {
        var out = ImageDescriber.parse("A screenshot of a terminal.");
        assertThat(out.path("description").asText()).isEqualTo("A screenshot of a terminal.");
        assertThat(out.path("text").asText()).isEmpty();
        assertThat(out.path("objects").isArray()).isTrue();
    }

    @Test
    void the_media_type_comes_from_the_bytes() {
        assertThat(ImageDescriber.mediaType(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0}))
                .isEqualTo(Base64ImageSource.MediaType.IMAGE_PNG);
        assertThat(ImageDescriber.mediaType("GIF89a-----".getBytes())).isEqualTo(Base64ImageSource.MediaType.IMAGE_GIF);
        assertThat(ImageDescriber.mediaType("RIFF\0\0\0\0WEBPVP8 ".getBytes())).isEqualTo(Base64ImageSource.MediaType.IMAGE_WEBP);
        assertThat(ImageDescriber.mediaType(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})).isEqualTo(Base64ImageSource.MediaType.IMAGE_JPEG);
    }
}
