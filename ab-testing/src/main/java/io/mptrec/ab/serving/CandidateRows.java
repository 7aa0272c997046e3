package io.mptrec.ab.serving;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.IOException;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The {@code rows} of a score request, read into one table: the column names once per request, and per candidate an
 * array of values. Jackson's default builds a hash map per candidate (100 maps of 42 entries for a typical request,
 * about a sixth of the request's CPU in the serving benchmark's profile); this gives the same {@code List<Map>} view,
 * with each row's keys in the order the body gave them, for a fraction of the work.
 *
 * <p>It reads exactly what the default reads, and refuses the same bodies with the same errors and paths: a value is
 * read with the request's own String deserialiser unless it is a JSON string or null, so the strict JSON policy's
 * coercion rules apply; an error is wrapped with the candidate's index and the key, as Jackson's collection and map
 * deserialisers wrap it; a duplicate key is the parser's to refuse; a null candidate is kept as null for the
 * request's own check.
 */
public final class CandidateRows extends AbstractList<Map<String, String>> {

    private final List<Row> rows;

    private CandidateRows(List<Row> rows) {
        this.rows = rows;
    }

    @Override
    public Map<String, String> get(int index) {
        return rows.get(index);
    }

    @Override
    public int size() {
        return rows.size();
    }

    /** Reads a JSON array of objects of texts (or nulls) into {@link CandidateRows}. */
    public static final class Deserializer extends JsonDeserializer<List<Map<String, String>>> {

        @Override
        public List<Map<String, String>> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.isExpectedStartArrayToken()) {
                return castToRows(ctxt.handleUnexpectedToken(List.class, p));
            }
            Columns columns = new Columns();
            List<Row> rows = new ArrayList<>();
            CandidateRows result = new CandidateRows(rows);
            JsonToken token;
            while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                try {
                    rows.add(token == JsonToken.VALUE_NULL ? null : row(p, ctxt, token, columns));
                } catch (Exception e) {
                    throw JsonMappingException.wrapWithPath(e, result, rows.size());
                }
            }
            return result;
        }

        private static Row row(JsonParser p, DeserializationContext ctxt, JsonToken token, Columns columns)
                throws IOException {
            if (token != JsonToken.START_OBJECT) {
                return castToRow(ctxt.handleUnexpectedToken(Map.class, p));
            }
            Row row = new Row(columns);
            String key;
            while ((key = p.nextFieldName()) != null) {
                int column = columns.number(key);
                JsonToken value = p.nextToken();
                try {
                    row.put(column, value == JsonToken.VALUE_STRING ? p.getText()
                            : value == JsonToken.VALUE_NULL ? null : ctxt.readValue(p, String.class));
                } catch (Exception e) {
                    throw JsonMappingException.wrapWithPath(e, row, key);
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                return castToRow(ctxt.handleUnexpectedToken(Map.class, p));
            }
            return row;
        }

        @SuppressWarnings("unchecked")
        private static List<Map<String, String>> castToRows(Object value) {
            return (List<Map<String, String>>) value;
        }

        private static Row castToRow(Object value) {
            return (Row) value;
        }
    }

    /** The request's column names, numbered in the order they first appear. */
    private static final class Columns {
        private final Map<String, Integer> numbers = new HashMap<>();
        private final List<String> names = new ArrayList<>();

        int number(String name) {
            Integer n = numbers.get(name);
            if (n == null) {
                n = names.size();
                numbers.put(name, n);
                names.add(name);
            }
            return n;
        }
    }

    /**
     * One candidate: its values by column number, and the columns it gave in the order it gave them (a key given
     * with the value null is there, with null; a key not given is not).
     */
    static final class Row extends AbstractMap<String, String> {
        private final Columns columns;
        private String[] values;
        private boolean[] given;
        private int[] order = new int[8];
        private int size;

        Row(Columns columns) {
            this.columns = columns;
            int expected = Math.max(columns.names.size(), 8);
            this.values = new String[expected];
            this.given = new boolean[expected];
        }

        /** Every column given here; {@code column} is new to this row (the parser refuses a key twice). */
        void put(int column, String value) {
            if (column >= values.length) {
                int length = Math.max(column + 1, values.length * 2);
                values = Arrays.copyOf(values, length);
                given = Arrays.copyOf(given, length);
            }
            if (size == order.length) {
                order = Arrays.copyOf(order, size * 2);
            }
            values[column] = value;
            given[column] = true;
            order[size++] = column;
        }

        /** The key's column number if this row gave it, else -1. */
        private int column(Object key) {
            Integer n = columns.numbers.get(key);
            return n == null || n >= given.length || !given[n] ? -1 : n;
        }

        @Override
        public String get(Object key) {
            int c = column(key);
            return c < 0 ? null : values[c];
        }

        @Override
        public boolean containsKey(Object key) {
            return column(key) >= 0;
        }

        @Override
        public int size() {
            return size;
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
                            int column = order[next++];
                            return new SimpleImmutableEntry<>(columns.names.get(column), values[column]);
                        }
                    };
                }

                @Override
                public int size() {
                    return size;
                }
            };
        }
    }
}
