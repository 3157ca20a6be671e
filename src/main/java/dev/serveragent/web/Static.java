package dev.serveragent.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Static assets of the browser pages, read once from {@code src/main/resources/web/}. */
public final class Static {
    private Static() {}

    static String css() {
        return Css.TEXT;
    }

    // Holders: each file is read once, on first use.
    private static final class Css {
        static final String TEXT = read("web/app.css");
    }

    /** A UTF-8 resource of the class path, whole; a missing one is a build error. */
    public static String read(String resource) {
        try (InputStream in = Static.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
