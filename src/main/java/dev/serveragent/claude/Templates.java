package dev.serveragent.claude;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prompt templates from {@code src/main/resources/prompts/}, with {@code {{name}}} placeholders.
 * Substitution is one pass, so text that itself contains {@code {{...}}} (a message, a file) is
 * never expanded; a placeholder without a value is a bug and fails loudly.
 */
final class Templates {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private Templates() {}

    static String load(String name) {
        return CACHE.computeIfAbsent(name, n -> {
            try (InputStream in = Templates.class.getResourceAsStream("/prompts/" + n)) {
                if (in == null) {
                    throw new IllegalStateException("prompt template prompts/" + n + " is missing from the classpath");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static String render(String name, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(load(name));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalStateException("prompt template prompts/" + name + " needs a value for {{" + m.group(1) + "}}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString().strip() + "\n";
    }
}
