package io.mptrec.governance.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The hostile values the fuzzer sends, as JSON text (so that 1e309, -0, 9223372036854775808 or a duplicate key reach
 * the server exactly as written, not as a client library would re-encode them).
 */
final class Mutations {

    private Mutations() {
    }

    static final ObjectMapper JSON = new ObjectMapper();

    /** What the field's new JSON text is, its family (the failure class), and whether accepting it is a defect. */
    record Value(String family, String raw, boolean hostile, boolean parsable) {
        static Value of(String family, String raw, boolean hostile) {
            return new Value(family, raw, hostile, true);
        }
    }

    static final Set<String> NUMERIC_PARAMS = Set.of("number", "a", "b", "id", "page", "size", "buckets", "target",
            "version");
    static final Set<String> DATE_PARAMS = Set.of("from", "to");

    static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String DEEP_ARRAY = deepArray(3000);
    private static final String DEEP_OBJECT = deepObject(3000);
    private static final String STRING_100K = quote("x".repeat(100_000));
    private static final String STRINGS_100K = hugeArray("\"x\"", 100_000);
    private static final String NUMBERS_100K = hugeArray("1", 100_000);

    static String deepArray(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    static String deepObject(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    static String hugeArray(String element, int size) {
        StringBuilder out = new StringBuilder(size * (element.length() + 1) + 2).append('[');
        for (int i = 0; i < size; i++) {
            out.append(i == 0 ? "" : ",").append(element);
        }
        return out.append(']').toString();
    }

    /**
     * Replacement values for a field whose schema type is {@code type} ("string", "integer", "number", "boolean",
     * "array", "object"; null when unknown) and whose current value is {@code current}; {@code int64}: an integer
     * field that holds a long, so that 2147483648 is fine there.
     */
    static List<Value> forField(String type, JsonNode current, String name, boolean int64) {
        List<Value> values = new ArrayList<>();
        values.add(Value.of("null", "null", false));
        values.add(new Value("deep-nesting", DEEP_ARRAY, true, false));
        values.add(new Value("deep-nesting", DEEP_OBJECT, true, false));
        values.add(new Value("non-json-number", "NaN", true, false));
        values.add(new Value("non-json-number", "Infinity", true, false));
        switch (type == null ? "" : type) {
            case "string" -> {
                values.add(Value.of("wrong-type", "123", true));
                values.add(Value.of("wrong-type", "true", true));
                values.add(Value.of("wrong-type", "{}", true));
                values.add(Value.of("wrong-type", "[\"x\"]", true));
                values.add(Value.of("empty-string", "\"\"", false));
                values.add(Value.of("blank-string", "\"   \"", false));
                values.add(Value.of("string-4001", quote("r".repeat(4001)), false));
                values.add(Value.of("string-100k", STRING_100K, false));
                values.add(Value.of("nul", quote("a\u0000b"), true));
                values.add(Value.of("nul", quote("\u0000"), true));
                values.add(Value.of("control-char", quote("bell\u0007"), true));
                values.add(Value.of("control-char", quote("\u001b[31mred"), true));
                values.add(Value.of("control-char", quote("del\u007f"), true));
                values.add(Value.of("control-char", quote("c1\u0085"), true));
                values.add(Value.of("lone-surrogate", "\"a\\ud800b\"", false));
                values.add(Value.of("unicode", quote("Zoë-日本-\uD83D\uDE00"), false));
                values.add(Value.of("unknown-id", quote("no-such-" + name), false));
                values.add(Value.of("huge-array", STRINGS_100K, true));
            }
            case "integer" -> {
                values.add(Value.of("wrong-type", "\"abc\"", true));
                values.add(Value.of("wrong-type", "\"1\"", true));
                values.add(Value.of("wrong-type", "true", true));
                values.add(Value.of("wrong-type", "[1]", true));
                values.add(Value.of("wrong-type", "{}", true));
                values.add(Value.of("fraction", "1.5", true));
                values.add(Value.of("int-overflow", "2147483648", !int64));
                values.add(Value.of("int-overflow", "-2147483649", !int64));
                values.add(Value.of("long-overflow", "9223372036854775808", true));
                values.add(Value.of("long-overflow", "-9223372036854775809", true));
                values.add(Value.of("number-1e309", "1e309", true));
                values.add(Value.of("negative", "-1", false));
                values.add(Value.of("zero", "0", false));
                values.add(Value.of("minus-zero", "-0", false));
                values.add(Value.of("unknown-id", "999999", false));
                values.add(Value.of("huge-array", NUMBERS_100K, true));
            }
            case "number" -> {
                values.add(Value.of("wrong-type", "\"abc\"", true));
                values.add(Value.of("wrong-type", "\"0.5\"", true));
                values.add(Value.of("wrong-type", "true", true));
                values.add(Value.of("wrong-type", "[0.5]", true));
                values.add(Value.of("number-1e309", "1e309", true));
                values.add(Value.of("number-1e309", "-1e309", true));
                values.add(Value.of("minus-zero", "-0", false));
                values.add(Value.of("subnormal", "1e-320", false));
                values.add(Value.of("long-overflow", "9223372036854775808", false));
                values.add(Value.of("huge-number", "1e155", false));
                values.add(Value.of("huge-number", "3e38", false));
                values.add(Value.of("negative", "-1", false));
                values.add(Value.of("negative", "-1e155", false));
                values.add(Value.of("huge-array", NUMBERS_100K, true));
            }
            case "boolean" -> {
                values.add(Value.of("wrong-type", "\"true\"", true));
                values.add(Value.of("wrong-type", "1", true));
            }
            case "array" -> {
                values.add(Value.of("wrong-type", "\"x\"", true));
                values.add(Value.of("wrong-type", "{}", true));
                values.add(Value.of("wrong-type", "1", true));
                values.add(Value.of("empty-array", "[]", false));
                values.add(Value.of("array-of-nulls", "[null,null]", false));
                String element = current != null && current.size() > 0 ? current.get(0).toString() : "1";
                int copies = Math.max(1000, 2_000_000 / (element.length() + 1));
                values.add(Value.of("huge-array", hugeArray(element, copies), false));
                values.add(Value.of("huge-array", NUMBERS_100K, false));
            }
            case "object" -> {
                values.add(Value.of("wrong-type", "\"x\"", true));
                values.add(Value.of("wrong-type", "[]", true));
                values.add(Value.of("wrong-type", "1", true));
                values.add(Value.of("empty-object", "{}", false));
                values.add(Value.of("nul-key", "{\"a\\u0000b\":\"1\"}", false));
            }
            default -> {
                values.add(Value.of("wrong-type", "\"x\"", false));
                values.add(Value.of("wrong-type", "1e309", false));
                values.add(Value.of("nul", quote("\u0000"), false));
            }
        }
        return values;
    }

    /** Values of a path or query parameter, already URL-encoded, with their family and whether a 2xx is a defect. */
    record Param(String family, String encoded, boolean hostile) {
    }

    static List<Param> forParam(String name, boolean query) {
        List<Param> values = new ArrayList<>();
        // a filter or a path segment with a NUL finds nothing: a 404 or an empty page is a fine answer
        values.add(new Param("nul", "%00", false));
        values.add(new Param("nul", "a%00b", false));
        values.add(new Param("control-char", "%1B%5B31m", false));
        values.add(new Param("control-char", "x%07", false));
        values.add(new Param("string-5000", "x".repeat(5000), false));
        values.add(new Param("unicode", "%C3%A9%E6%97%A5", false));
        values.add(new Param("blank", "%20", false));
        values.add(new Param("percent-garbage", "%25zz", false));
        values.add(new Param("lone-surrogate-bytes", "%ED%A0%80", false));
        if (query) {
            values.add(new Param("empty", "", false));
        }
        if (NUMERIC_PARAMS.contains(name)) {
            values.add(new Param("wrong-type", "abc", true));
            values.add(new Param("fraction", "1.5", true));
            values.add(new Param("negative", "-1", false));
            values.add(new Param("zero", "0", false));
            values.add(new Param("int-overflow", "2147483648", true));
            values.add(new Param("long-overflow", "9223372036854775808", true));
            values.add(new Param("huge-number", "99999999999999999999999", true));
            values.add(new Param("number-1e309", "1e309", true));
            values.add(new Param("unknown-id", "999999", false));
            values.add(new Param("plus-sign", "%2B1", false));
        } else if (DATE_PARAMS.contains(name)) {
            values.add(new Param("far-date", "-999999999-01-01T00:00:00Z", false));
            values.add(new Param("far-date", "%2B999999999-12-31T23:59:59Z", false));
            values.add(new Param("far-date", "0000-01-01T00:00:00Z", false));
            values.add(new Param("bad-date", "2020-13-45T99:00:00Z", true));
            values.add(new Param("bad-date", "yesterday", true));
            values.add(new Param("date-only", "2020-01-01", false));
        } else {
            values.add(new Param("unknown-id", "no-such-" + name, false));
            values.add(new Param("dot-dot", "..", false));
        }
        return values;
    }
}
