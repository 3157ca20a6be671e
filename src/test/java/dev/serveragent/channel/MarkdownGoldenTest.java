package dev.serveragent.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.serveragent.testing.EntityRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile Markdown (src/test/resources/markdown/*.md) and what Telegram is sent for it, checked in
 * beside it as {@code *.json}: the parts in order, each its text and entities. Every part also
 * keeps Telegram's rules ({@link EntityRules}). After an intended change of the rendering run with
 * {@code -Dgolden.update=true}, review the diff of the JSON files, and commit them.
 */
class MarkdownGoldenTest {
    static final Path DIR = Path.of("src/test/resources/markdown");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static Stream<String> inputs() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md"))
                    .map(n -> n.substring(0, n.length() - 3)).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void hostile_markdown_becomes_the_expected_parts_each_valid_for_telegram(String name) throws IOException {
        String markdown = Files.readString(DIR.resolve(name + ".md"), StandardCharsets.UTF_8);
        List<RichText> parts = TextSplitter.split(Markdown.render(markdown));

        parts.forEach(EntityRules::assertValid);
        String actual = JSON.writeValueAsString(parts) + "\n";
        Path golden = DIR.resolve(name + ".json");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(golden).as("golden file %s (run with -Dgolden.update=true to create it)", golden).exists();
        assertThat(actual).as("golden file %s (after an intended change: -Dgolden.update=true)", golden)
                .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
