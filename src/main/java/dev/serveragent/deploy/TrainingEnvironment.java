package dev.serveragent.deploy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The environment of an AOT training run: only what a process needs to run at all (no
 * {@code DATABASE_URL}, no Telegram or Anthropic settings, no token, key or password of any kind),
 * plus a throwaway {@code DATA_DIR} and an ephemeral loopback port. An allow-list rather than a
 * deny-list, so that a secret added to the agent later cannot reach the training run.
 */
final class TrainingEnvironment {
    // The JVM option variables too: a cache is only used by a JVM started with options compatible
    // with the training run's, and the release gets the deploy's environment.
    private static final Set<String> KEPT = Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TMPDIR", "JAVA_HOME",
            "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

    private TrainingEnvironment() {}

    /** {@code env} reduced to the allow-list, with {@code DATA_DIR} under {@code scratch}, {@code PORT=0} and {@code BIND_HOST=127.0.0.1}. */
    static Map<String, String> of(Map<String, String> env, Path scratch) {
        Map<String, String> kept = new HashMap<>();
        env.forEach((k, v) -> {
            if (KEPT.contains(k) || k.startsWith("LC_")) {
                kept.put(k, v);
            }
        });
        kept.put("DATA_DIR", scratch.resolve("data").toString());
        kept.put("PORT", "0");
        kept.put("BIND_HOST", "127.0.0.1");
        return kept;
    }
}
