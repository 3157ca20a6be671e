package dev.serveragent.proactive;

import dev.serveragent.store.AgentSettingsRepository;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proactive loop's first-run notice ({@link ProactiveWork#notice}) sent to the Master's chat
 * once, the first time the loop could spend (it is enabled, a model is configured and this replica
 * leads), so a newly configured model does not start spending silently. Once per chat, across
 * restarts and replicas: the chats it went to are kept in {@code agent_settings}
 * ({@value #KEY}). Until a Telegram Master is known it goes to the console; when one pairs later
 * it goes to Telegram too. Not thread-safe: the leader's loop calls {@link #offer()}.
 */
public final class FirstRunNotice {
    private static final Logger log = LoggerFactory.getLogger(FirstRunNotice.class);
    static final String KEY = "proactive_notice_threads";

    private final MasterChannel master;
    private final AgentSettingsRepository settings;
    private final String text;
    private final Clock clock;
    private boolean settled;

    public FirstRunNotice(MasterChannel master, AgentSettingsRepository settings, String text, Clock clock) {
        this.master = master;
        this.settings = settings;
        this.text = text;
        this.clock = clock;
    }

    /** Sends the notice to the Master's chat if it has not had it; true when sent now. Never throws. */
    public boolean offer() {
        if (settled) {
            return false;
        }
        try {
            Optional<Long> thread = master.threadId();
            if (thread.isEmpty()) {
                return false;
            }
            Set<String> sent = new LinkedHashSet<>(Arrays.asList(settings.get(KEY).orElse("").split(",")));
            sent.remove("");
            boolean now = false;
            if (!sent.contains(thread.get().toString())) {
                master.send(text);
                sent.add(thread.get().toString());
                settings.put(KEY, String.join(",", sent), clock.instant());
                log.info("Proactive first-run notice sent to the Master (thread {})", thread.get());
                now = true;
            }
            settled = master.settled();
            return now;
        } catch (RuntimeException e) {
            log.warn("Proactive first-run notice not sent yet: {}", e.toString());
            return false;
        }
    }

    /** The chats that had the notice (tests). */
    Set<String> sentTo() {
        return settings.get(KEY).map(v -> Arrays.stream(v.split(",")).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new))).orElseGet(LinkedHashSet::new);
    }
}
