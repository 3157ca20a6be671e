package dev.serveragent.proactive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.proactive.CycleOutcome.Notable;
import dev.serveragent.proactive.CycleOutcome.Parsed;
import dev.serveragent.proactive.CycleOutcome.Proposal;
import dev.serveragent.store.MemoryRepository.ProjectUpsert;
import dev.serveragent.store.MemoryRepository.TaskUpsert;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the last fenced {@code ```json} block in a run's final text and checks it against the
 * outcome format. Anything wrong gives {@link Parsed.Malformed} naming the field; it never throws.
 * Thread-safe.
 */
public final class OutcomeParser {
    static final int MAX_ITEMS = 50;
    static final int MAX_SUMMARY = 2000;
    static final int MAX_AROMA = 1000;
    static final int MAX_TEXT = 4000;
    static final Set<String> PROJECT_STATUSES = Set.of("active", "paused", "done", "dropped");
    static final Set<String> TASK_STATUSES = Set.of("todo", "in_progress", "blocked", "done", "dropped");

    private static final Pattern FENCE = Pattern.compile("```json[ \\t]*\\R(.*?)```", Pattern.DOTALL);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Thrown inside the parser only; turned into {@link Parsed.Malformed}. */
    private static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    public Parsed parse(String text) {
        if (text == null) {
            return new Parsed.Malformed("no text");
        }
        Matcher m = FENCE.matcher(text);
        String block = null;
        while (m.find()) {
            block = m.group(1);
        }
        if (block == null) {
            return new Parsed.Malformed("no ```json block in the final answer");
        }
        JsonNode root;
        try {
            root = JSON.readTree(block);
        } catch (JsonProcessingException e) {
            return new Parsed.Malformed("invalid JSON: " + e.getOriginalMessage());
        }
        try {
            return new Parsed.Ok(outcome(root));
        } catch (Invalid e) {
            return new Parsed.Malformed(e.getMessage());
        }
    }

    private static CycleOutcome outcome(JsonNode root) throws Invalid {
        if (root == null || !root.isObject()) {
            throw new Invalid("the block is not a JSON object");
        }
        String summary = text(root, "summary", MAX_SUMMARY).orElseThrow(() -> new Invalid("summary: missing"));
        List<ProjectUpsert> projects = list(root, "projects", (n, path) -> new ProjectUpsert(
                required(n, path, "name", 200), text(n, "description", MAX_TEXT), choice(n, path, "status", PROJECT_STATUSES)));
        List<TaskUpsert> tasks = list(root, "tasks", (n, path) -> new TaskUpsert(
                whole(n, path, "id").map(Integer::longValue), text(n, "project", 200), required(n, path, "title", 500),
                text(n, "description", MAX_TEXT), choice(n, path, "status", TASK_STATUSES), whole(n, path, "priority"),
                text(n, "notes", MAX_TEXT)));
        List<Notable> notable = list(root, "notable", (n, path) -> new Notable(required(n, path, "text", MAX_TEXT), significance(n, path)));
        List<Proposal> proposals = list(root, "proposals", (n, path) -> new Proposal(
                required(n, path, "plan", MAX_TEXT), text(n, "reason", MAX_TEXT).orElse("")));
        return new CycleOutcome(summary, projects, tasks, text(root, "next_prompt_aroma", MAX_AROMA), notable, proposals);
    }

    @FunctionalInterface
    private interface Item<T> {
        T read(JsonNode node, String path) throws Invalid;
    }

    private static <T> List<T> list(JsonNode root, String field, Item<T> item) throws Invalid {
        JsonNode arr = root.get(field);
        if (arr == null || arr.isNull()) {
            return List.of();
        }
        if (!arr.isArray()) {
            throw new Invalid(field + ": not an array");
        }
        if (arr.size() > MAX_ITEMS) {
            throw new Invalid(field + ": more than " + MAX_ITEMS + " entries");
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            String path = field + "[" + i + "]";
            if (!arr.get(i).isObject()) {
                throw new Invalid(path + ": not an object");
            }
            out.add(item.read(arr.get(i), path));
        }
        return out;
    }

    /** A string field, trimmed and capped; absent, null, blank or not a string → empty. */
    private static Optional<String> text(JsonNode n, String field, int max) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || !v.isTextual() || v.asText().isBlank()) {
            return Optional.empty();
        }
        String s = v.asText().strip();
        return Optional.of(s.length() > max ? s.substring(0, max) : s);
    }

    private static String required(JsonNode n, String path, String field, int max) throws Invalid {
        JsonNode v = n.get(field);
        if (v != null && !v.isNull() && !v.isTextual()) {
            throw new Invalid(path + "." + field + ": not a string");
        }
        return text(n, field, max).orElseThrow(() -> new Invalid(path + "." + field + ": missing"));
    }

    private static Optional<String> choice(JsonNode n, String path, String field, Set<String> allowed) throws Invalid {
        Optional<String> v = text(n, field, 50);
        if (v.isPresent() && !allowed.contains(v.get())) {
            throw new Invalid(path + "." + field + ": '" + v.get() + "' is not one of " + String.join("|", new java.util.TreeSet<>(allowed)));
        }
        return v;
    }

    private static Optional<Integer> whole(JsonNode n, String path, String field) throws Invalid {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new Invalid(path + "." + field + ": not a whole number");
        }
        return Optional.of(v.intValue());
    }

    private static double significance(JsonNode n, String path) throws Invalid {
        JsonNode v = n.get("significance");
        if (v == null || !v.isNumber() || v.doubleValue() < 0 || v.doubleValue() > 1) {
            throw new Invalid(path + ".significance: must be a number from 0 to 1");
        }
        return v.doubleValue();
    }
}
