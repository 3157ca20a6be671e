package dev.serveragent.reactive;

import dev.serveragent.claude.Speakers;
import dev.serveragent.claude.Untrusted;
import dev.serveragent.store.ContextRepository.Artifact;
import dev.serveragent.store.ContextRepository.Message;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The classifier's system prompt (a resource) and its user prompt: the context with timestamps and artifacts. */
final class ClassifierPrompt {
    static final String SYSTEM = resource("/prompts/classifier-system.md");

    private ClassifierPrompt() {}

    /** "Sat 5 Dec 2026, 10:20": the day and time as the acknowledgement should say them. */
    static final DateTimeFormatter NOW = DateTimeFormatter.ofPattern("EEE d MMM yyyy, HH:mm", Locale.ENGLISH);

    /**
     * @param channel how the Master writes and reads ("Telegram", "the browser console")
     * @param now the current time in the Master's time zone, from which "tomorrow at 9" is read
     */
    static String user(List<Message> context, Message trigger, String channel, ZonedDateTime now) {
        StringBuilder b = new StringBuilder("The Master writes through ").append(channel).append(".\n")
                .append(now(now)).append('\n')
                .append("Conversation so far (oldest first, ").append(context.size()).append(" messages):\n");
        for (Message m : context) {
            render(b, m);
        }
        b.append("\nMessage to classify (id ").append(trigger.id()).append("):\n");
        render(b, trigger);
        return b.toString();
    }

    /** {@code now}'s time, or UTC's when it cannot be had (the Master's zone is read from the database): a classifier never throws. */
    static ZonedDateTime current(java.util.function.Supplier<ZonedDateTime> now) {
        try {
            return now.get();
        } catch (RuntimeException e) {
            return ZonedDateTime.now(java.time.ZoneOffset.UTC);
        }
    }

    /** The prompt's line with the current time in the Master's zone (message times below are UTC). */
    static String now(ZonedDateTime now) {
        return "Now: " + NOW.format(now) + " in the Master's time zone, " + now.getZone().getId() + " (UTC"
                + (now.getOffset().getTotalSeconds() == 0 ? "" : now.getOffset().getId()) + "); the times below are UTC.";
    }

    static void render(StringBuilder b, Message m) {
        String text = m.text() == null ? "(" + m.kind() + ", no text)" : m.text();
        String speaker = m.member() ? Speakers.member(m.authorUserId(), m.authorName()) : Speakers.of(m.role());
        String source = m.text() == null ? null : m.member() ? Speakers.MEMBER_SOURCE : m.forwarded() ? "forwarded message" : null;
        b.append('[').append(m.createdAt()).append("] ").append(speaker).append(": ")
                .append(source != null ? Untrusted.fence(source, text) : text).append('\n');
        if (m.quoted() != null) {
            b.append("    replying to: ").append(Untrusted.fence("quoted message", m.quoted())).append('\n');
        }
        for (Artifact a : m.artifacts()) {
            b.append("    artifact ").append(a.kind()).append(" (").append(a.status()).append("): ");
            if (a.status().equals("done")) {
                b.append(Untrusted.fence(a.kind(), a.contentJson()));
            } else if (a.status().equals("pending")) {
                b.append("not ready yet; it is missing from what you see");
            } else {
                b.append("failed: ").append(a.error());
            }
            b.append('\n');
        }
    }

    private static String resource(String path) {
        try (InputStream in = ClassifierPrompt.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
