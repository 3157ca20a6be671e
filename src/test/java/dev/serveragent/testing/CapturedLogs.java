package dev.serveragent.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Everything logged while it is open, as the console appender would write it (the message and
 * every exception in its chain). {@code try (CapturedLogs logs = CapturedLogs.start()) { … }}
 *
 * <p>It captures the whole JVM's root logger: with test classes running in parallel it also sees
 * other classes' lines. Asserting that a line is there is safe; a class that asserts a line is
 * absent, counts lines or takes the first match must be {@code @Isolated}.
 */
public final class CapturedLogs implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private CapturedLogs() {
        appender.start();
        root.addAppender(appender);
    }

    public static CapturedLogs start() {
        return new CapturedLogs();
    }

    /** Each event's formatted message followed by its exceptions' stack traces. */
    public List<String> lines() {
        return events().stream().map(e -> {
            StringBuilder all = new StringBuilder(e.getFormattedMessage());
            for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                all.append('\n').append(ThrowableProxyUtil.asString(t));
            }
            return all.toString();
        }).toList();
    }

    /** The formatted messages of the events logged at {@code level} (INFO, WARN, ...). */
    public List<String> linesAt(String level) {
        return events().stream().filter(e -> e.getLevel().toString().equals(level)).map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** A copy taken under the appender's lock: app threads append while a test reads. */
    private List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
