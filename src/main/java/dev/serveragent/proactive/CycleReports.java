package dev.serveragent.proactive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serveragent.proactive.CycleOutcome.Notable;
import dev.serveragent.store.ProactiveStateRepository;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A proactive cycle's report of itself through the {@code report_outcome} tool: stored on the
 * running cycle at once ({@code proactive_cycles.reported}), so the cycle's end writes it back
 * ({@link MemoryWriteback}) whatever the run's final text holds. Thread-safe.
 */
public final class CycleReports {
    public static final int MAX_SUMMARY = 1000;
    public static final int MAX_AROMA = 2000;
    public static final int MAX_NOTABLE = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a cycle did ({@code summary}), its note to the next cycle, and a result the Master may want to hear. */
    public record Report(String summary, Optional<String> nextPromptAroma, Optional<Notable> notable) {}

    private final ProactiveStateRepository state;

    public CycleReports(ProactiveStateRepository state) {
        this.state = state;
    }

    /**
     * Stores {@code r} on the running cycle, replacing an earlier report of the same cycle.
     *
     * @return the cycle's id
     * @throws IllegalArgumentException when a field is empty or too long, or no proactive cycle is running
     */
    public long report(Report r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("summary", bounded("summary", r.summary(), MAX_SUMMARY));
        r.nextPromptAroma().ifPresent(a -> o.put("next_prompt_aroma", bounded("next_prompt_aroma", a, MAX_AROMA)));
        r.notable().ifPresent(n -> {
            if (!(n.significance() >= 0 && n.significance() <= 1)) {
                throw new IllegalArgumentException("significance must be between 0 and 1, got " + n.significance());
            }
            o.putObject("notable").put("text", bounded("notable", n.text(), MAX_NOTABLE)).put("significance", n.significance());
        });
        OptionalLong cycle = state.report(o.toString());
        if (cycle.isEmpty()) {
            throw new IllegalArgumentException("no proactive cycle is running: nothing was recorded");
        }
        return cycle.getAsLong();
    }

    /** What cycle {@code cycleId} reported, if it did (an unreadable stored report counts as none). */
    public Optional<Report> of(long cycleId) {
        return state.reported(cycleId).flatMap(CycleReports::parse);
    }

    private static Optional<Report> parse(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            String summary = n.path("summary").asText("");
            if (summary.isBlank()) {
                return Optional.empty();
            }
            JsonNode notable = n.path("notable");
            return Optional.of(new Report(summary, text(n.path("next_prompt_aroma")),
                    notable.isObject() ? Optional.of(new Notable(notable.path("text").asText(), notable.path("significance").asDouble()))
                            : Optional.empty()));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode n) {
        return n.isTextual() && !n.asText().isBlank() ? Optional.of(n.asText()) : Optional.empty();
    }

    private static String bounded(String name, String value, int max) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("'" + name + "' is empty");
        }
        if (v.length() > max) {
            throw new IllegalArgumentException("'" + name + "' has " + v.length() + " characters; at most " + max);
        }
        return v;
    }
}
