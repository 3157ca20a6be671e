package dev.serveragent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Bad input made from real updates, for property tests of the channels: each {@link Kind} is one
 * way a body goes wrong (oversized fields, wrong types, missing fields, deep nesting, 10k-element
 * arrays, invalid UTF-8, truncation, extreme numbers, lone surrogates, unknown fields), applied at
 * a place chosen by {@code seed}. Deterministic for a given (fixture, kind, seed).
 */
public final class UpdateMutator {
    public enum Kind { NONE, HUGE_STRING, WRONG_TYPE, DELETE_FIELD, DEEP_NESTING, HUGE_ARRAY, INVALID_UTF8, TRUNCATED,
        EXTREME_NUMBER, LONE_SURROGATE, UNKNOWN_FIELDS, SEVERAL }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private UpdateMutator() {}

    /** The fixture with fresh ids, mutated by {@code kind}: the body to post. */
    public static byte[] mutate(String fixture, Kind kind, long seed, long updateId) {
        Random random = new Random(seed);
        ObjectNode root = (ObjectNode) read(TelegramFixtures.update(fixture, updateId, updateId));
        switch (kind) {
            case INVALID_UTF8 -> {
                return invalidUtf8(bytes(root), random);
            }
            case TRUNCATED -> {
                byte[] b = bytes(root);
                return java.util.Arrays.copyOf(b, random.nextInt(b.length));
            }
            case LONE_SURROGATE -> {
                // Jackson would write a lone surrogate as '?': write the JSON escape by hand.
                String marker = "LONE-SURROGATE-" + random.nextInt(1000);
                replace(root, random, NODES.textNode(marker));
                String[] escapes = {"\\ud800", "\\udfff", "\\ud83d", "\\u0000", "\\ud800\\ud800"};
                return root.toString().replace(marker, "x" + escapes[random.nextInt(escapes.length)] + "y").getBytes(StandardCharsets.UTF_8);
            }
            case DEEP_NESTING -> {
                // Written by hand: Jackson refuses to write (or read) past its nesting limit.
                String marker = "DEEP-NESTING-" + random.nextInt(1000);
                replace(root, random, NODES.textNode(marker));
                int depth = 100 + random.nextInt(20_000);
                String open = random.nextBoolean() ? "[" : "{\"n\":";
                String close = open.equals("[") ? "]" : "}";
                String deep = open.repeat(depth) + "1" + close.repeat(depth);
                return root.toString().replace("\"" + marker + "\"", deep).getBytes(StandardCharsets.UTF_8);
            }
            case SEVERAL -> {
                for (int i = 0, n = 2 + random.nextInt(3); i < n; i++) {
                    Kind k = new Kind[] {Kind.HUGE_STRING, Kind.WRONG_TYPE, Kind.DELETE_FIELD, Kind.EXTREME_NUMBER, Kind.UNKNOWN_FIELDS}[random.nextInt(5)];
                    apply(root, k, random);
                }
            }
            default -> apply(root, kind, random);
        }
        return bytes(root);
    }

    private static void apply(ObjectNode root, Kind kind, Random random) {
        switch (kind) {
            case HUGE_STRING -> replace(root, random, NODES.textNode(hugeString(random)));
            case WRONG_TYPE -> replace(root, random, otherType(random));
            case DELETE_FIELD -> delete(root, random);
            case HUGE_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = 0; i < 10_000; i++) {
                    a.add(random.nextBoolean() ? NODES.numberNode(i) : NODES.objectNode().put("k", i));
                }
                replace(root, random, a);
            }
            case EXTREME_NUMBER -> replace(root, random, new JsonNode[] {NODES.numberNode(new BigInteger("9223372036854775808")),
                    NODES.numberNode(new BigInteger("-99999999999999999999999999")), NODES.numberNode(1.5), NODES.numberNode(-0.0),
                    NODES.numberNode(Long.MIN_VALUE), NODES.numberNode(new java.math.BigDecimal("1e400")), NODES.numberNode(0)}[random.nextInt(7)]);
            case UNKNOWN_FIELDS -> {
                List<ObjectNode> objects = objects(root);
                ObjectNode o = objects.get(random.nextInt(objects.size()));
                o.put("unknown_" + random.nextInt(100), hugeString(random).substring(0, 10));
                o.set("nested_unknown", NODES.objectNode().set("a", NODES.arrayNode().add(1).add("two")));
            }
            default -> { }
        }
    }

    private static String hugeString(Random random) {
        String[] units = {"x", "é", "😀", "\u0000", "\n", "\"", "\\", "\u202e", "\ufeff", "<b>"};
        int length = new int[] {300, 5_000, 5_000, 70_000, 70_000, 70_000, 1_100_000}[random.nextInt(7)];
        StringBuilder sb = new StringBuilder(length);
        String unit = units[random.nextInt(units.length)];
        while (sb.length() < length) {
            sb.append(random.nextInt(8) == 0 ? units[random.nextInt(units.length)] : unit);
        }
        return sb.toString();
    }

    private static JsonNode otherType(Random random) {
        return switch (random.nextInt(7)) {
            case 0 -> NODES.textNode("12345");
            case 1 -> NODES.numberNode(random.nextLong());
            case 2 -> NODES.booleanNode(random.nextBoolean());
            case 3 -> NODES.nullNode();
            case 4 -> NODES.objectNode().put("id", "not a number");
            case 5 -> NODES.arrayNode().add(1).add("a").addNull();
            default -> NODES.textNode("");
        };
    }

    /** Replaces a random value anywhere in the tree (the root's own fields included). */
    private static void replace(ObjectNode root, Random random, JsonNode with) {
        List<Object[]> slots = new ArrayList<>();
        collect(root, slots);
        if (slots.isEmpty()) {
            root.set("update_id", with);
            return;
        }
        Object[] slot = slots.get(random.nextInt(slots.size()));
        if (slot[0] instanceof ObjectNode o) {
            o.set((String) slot[1], with);
        } else {
            ((ArrayNode) slot[0]).set((Integer) slot[1], with);
        }
    }

    private static void delete(ObjectNode root, Random random) {
        List<Object[]> slots = new ArrayList<>();
        collect(root, slots);
        slots.removeIf(s -> !(s[0] instanceof ObjectNode));
        if (slots.isEmpty()) {
            return; // everything deleted already (several deletions in a row)
        }
        Object[] slot = slots.get(random.nextInt(slots.size()));
        ((ObjectNode) slot[0]).remove((String) slot[1]);
    }

    private static void collect(JsonNode node, List<Object[]> slots) {
        if (node instanceof ObjectNode o) {
            o.properties().forEach(e -> {
                slots.add(new Object[] {o, e.getKey()});
                collect(e.getValue(), slots);
            });
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                slots.add(new Object[] {a, i});
                collect(a.get(i), slots);
            }
        }
    }

    private static List<ObjectNode> objects(JsonNode node) {
        List<ObjectNode> out = new ArrayList<>();
        if (node instanceof ObjectNode o) {
            out.add(o);
        }
        node.forEach(child -> out.addAll(objects(child)));
        return out;
    }

    private static byte[] invalidUtf8(byte[] body, Random random) {
        byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}};
        // Inside a string value when there is one: after a random '"'.
        List<Integer> quotes = new ArrayList<>();
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '"') {
                quotes.add(i + 1);
            }
        }
        int at = quotes.isEmpty() ? random.nextInt(body.length) : quotes.get(random.nextInt(quotes.size()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(body, 0, at);
        out.writeBytes(bad[random.nextInt(bad.length)]);
        out.write(body, at, body.length - at);
        return out.toByteArray();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
