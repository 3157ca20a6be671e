package dev.serveragent.proactive;

import dev.serveragent.channel.Outbox;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link Outbox} that remembers what it was asked to send. */
final class RecordingOutbox implements Outbox {
    record Sent(long threadId, String text) {}

    final List<Sent> sent = new CopyOnWriteArrayList<>();

    @Override
    public List<Long> send(long threadId, String text) {
        sent.add(new Sent(threadId, text));
        return List.of((long) sent.size());
    }

    @Override
    public List<Long> sendMarkdown(long threadId, String markdown) {
        return send(threadId, markdown);
    }

    @Override
    public List<Long> sendWithButton(long threadId, String text, String buttonText, String callbackData) {
        return send(threadId, text);
    }
}
