package io.mptrec.ab.serving;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;

import java.io.IOException;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One candidate of a score request's {@code rows}, column name to raw value, held as two arrays in the body's order
 * instead of a hash map's entry per cell: reading 100 candidates of 42 columns allocates about three quarters of what
 * it did ({@code CandidateRowTests}), and the young collections' pauses grow with what the requests in flight hold
 * (ab-testing/BENCHMARK.md, "What the young collections copy"). The encoder looks the schema's columns up in the
 * schema's order, which is usually the body's, so {@link #get} starts where the last lookup ended. Read-only; one
 * request's thread reads it.
 */
public final class CandidateRow extends AbstractMap<String, String> {

    private String[] names;
    private String[] values;
    private int size;
    /** Where the next lookup starts: after the last one found. */
    private int cursor;

    CandidateRow() {
        this.names = new String[64];
        this.values = new String[64];
    }

    private void add(String name, String value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    private int indexOf(Object name) {
        if (!(name instanceof String wanted)) {
            return -1;
        }
        // Strings keep their hash once computed: the body's names are Jackson's canonical ones, shared by the requests
        int hash = wanted.hashCode();
        for (int k = 0; k < size; k++) {
            int at = cursor + k < size ? cursor + k : cursor + k - size;
            if (names[at] == wanted || names[at].hashCode() == hash && names[at].equals(wanted)) {
                cursor = at + 1 == size ? 0 : at + 1;
                return at;
            }
        }
        return -1;
    }

    @Override
    public String get(Object name) {
        int at = indexOf(name);
        return at < 0 ? null : values[at];
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(name) >= 0;
    }

    @Override
    public int size() {
        return size;
    }

    /** The cells in the body's order, without an entry object each. */
    @Override
    public void forEach(BiConsumer<? super String, ? super String> action) {
        for (int k = 0; k < size; k++) {
            action.accept(names[k], values[k]);
        }
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int at = next++;
                        return new SimpleImmutableEntry<>(names[at], values[at]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /**
     * Reads a JSON object of strings (or nulls) as a {@link CandidateRow}: what Jackson's map deserializer does for a
     * {@code Map<String, String>}, with the same coercions and errors (a value that is no scalar names its path), and
     * duplicate names refused by the parser ({@code STRICT_DUPLICATE_DETECTION}, kernel's StrictJson).
     */
    public static final class Deserializer extends StdDeserializer<Map<String, String>> {

        public Deserializer() {
            super(Map.class);
        }

        @Override
        public Map<String, String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.START_OBJECT) {
                token = p.nextToken();
            } else if (token != JsonToken.FIELD_NAME && token != JsonToken.END_OBJECT) {
                @SuppressWarnings("unchecked")
                Map<String, String> refused = (Map<String, String>) ctxt.handleUnexpectedToken(Map.class, p);
                return refused;
            }
            CandidateRow row = new CandidateRow();
            for (; token == JsonToken.FIELD_NAME; token = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                try {
                    row.add(name, value == JsonToken.VALUE_NULL ? null
                            : StringDeserializer.instance.deserialize(p, ctxt));
                } catch (IOException e) {
                    throw JsonMappingException.wrapWithPath(e, row, name);
                }
            }
            return row;
        }
    }
}
