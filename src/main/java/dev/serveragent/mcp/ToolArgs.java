package dev.serveragent.mcp;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * A tool call's arguments, read with checks whose messages name the argument and say what is
 * wanted. Unknown argument names are refused up front (a misspelt optional argument would
 * otherwise be silently ignored).
 */
public final class ToolArgs {
    private final Map<String, Object> values;

    private ToolArgs(Map<String, Object> values) {
        this.values = values;
    }

    /** @throws ToolException when {@code values} has a name outside {@code known} */
    public static ToolArgs of(Map<String, Object> values, Set<String> known) {
        Map<String, Object> v = values == null ? Map.of() : values;
        Set<String> unknown = new TreeSet<>(v.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new ToolException("unknown argument" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + "; this tool takes " + String.join(", ", new TreeSet<>(known)));
        }
        return new ToolArgs(v);
    }

    public String text(String name) {
        return optionalText(name).orElseThrow(() -> new ToolException("'" + name + "' is required"));
    }

    public Optional<String> optionalText(String name) {
        Object v = values.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw new ToolException("'" + name + "' must be a string, not " + v);
        }
        return Optional.of(s);
    }

    public OptionalLong optionalLong(String name) {
        Object v = values.get(name);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return OptionalLong.of(n.longValue());
        }
        if (v instanceof String s && s.strip().matches("-?\\d{1,18}")) {
            return OptionalLong.of(Long.parseLong(s.strip()));
        }
        throw new ToolException("'" + name + "' must be a whole number, not " + v);
    }

    public long longValue(String name) {
        OptionalLong v = optionalLong(name);
        if (v.isEmpty()) {
            throw new ToolException("'" + name + "' is required");
        }
        return v.getAsLong();
    }

    public int intOr(String name, int fallback) {
        OptionalLong v = optionalLong(name);
        if (v.isPresent() && (v.getAsLong() > Integer.MAX_VALUE || v.getAsLong() < Integer.MIN_VALUE)) {
            throw new ToolException("'" + name + "' is out of range: " + v.getAsLong());
        }
        return v.isPresent() ? (int) v.getAsLong() : fallback;
    }

    /** An optional whole number that must fit an int. */
    public Optional<Integer> optionalInt(String name) {
        OptionalLong v = optionalLong(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.getAsLong() > Integer.MAX_VALUE || v.getAsLong() < Integer.MIN_VALUE) {
            throw new ToolException("'" + name + "' is out of range: " + v.getAsLong());
        }
        return Optional.of((int) v.getAsLong());
    }

    /** An optional number (a JSON number, or a string holding one). */
    public Optional<Double> optionalDouble(String name) {
        Object v = values.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Number n) {
            return Optional.of(n.doubleValue());
        }
        if (v instanceof String s) {
            try {
                return Optional.of(Double.parseDouble(s.strip()));
            } catch (NumberFormatException e) {
                // told below
            }
        }
        throw new ToolException("'" + name + "' must be a number, not " + v);
    }

    public Optional<Boolean> optionalBoolean(String name) {
        Object v = values.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Boolean b)) {
            throw new ToolException("'" + name + "' must be true or false, not " + v);
        }
        return Optional.of(b);
    }

    /** An ISO-8601 instant ({@code 2026-03-01T09:00:00Z}, with an offset) or a date ({@code 2026-03-01}, midnight UTC). */
    public Optional<Instant> optionalInstant(String name) {
        return optionalText(name).map(s -> {
            String t = s.strip();
            try {
                return t.length() == 10 ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant() : OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeParseException e) {
                throw new ToolException("'" + name + "' is not a date or time: '" + t
                        + "'; use 2026-03-01 or 2026-03-01T09:00:00Z (with an offset)");
            }
        });
    }
}
