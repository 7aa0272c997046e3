package io.mptrec.model.data;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One candidate of a scoring request's rows, column name to raw value: the names in the body's order and the values'
 * characters in one {@link TextColumn}, instead of a hash map's entry and a string per cell. {@link RawEncoder} reads
 * the values where they are; {@link #get} makes a value's string only when asked. The encoder looks the schema's
 * columns up in the schema's order, which is usually the body's, so a lookup starts where the last one ended.
 * Read-only; one thread reads it (the lookup's starting point is not shared).
 */
public final class TextRow extends AbstractMap<String, String> {

    private final String[] names;
    private final TextColumn values;
    /** Where the next lookup starts: after the last one found. */
    private int cursor;

    private TextRow(String[] names, TextColumn values) {
        this.names = names;
        this.values = values;
    }

    /** The row itself when it is one already, else its cells copied into one (in the map's order). */
    public static TextRow of(Map<String, String> cells) {
        if (cells instanceof TextRow row) {
            return row;
        }
        Builder builder = new Builder();
        cells.forEach(builder::append);
        return builder.build();
    }

    /** The position of column {@code name}, or -1 when the row does not have it. */
    public int indexOf(Object name) {
        if (!(name instanceof String wanted)) {
            return -1;
        }
        // Strings keep their hash once computed: names read by Jackson are its canonical ones, shared by the requests
        int hash = wanted.hashCode();
        int size = names.length;
        for (int k = 0; k < size; k++) {
            int at = cursor + k < size ? cursor + k : cursor + k - size;
            if (names[at] == wanted || names[at].hashCode() == hash && names[at].equals(wanted)) {
                cursor = at + 1 == size ? 0 : at + 1;
                return at;
            }
        }
        return -1;
    }

    /** The name of the cell at {@code position}. */
    public String name(int position) {
        return names[position];
    }

    /** The values in the body's order: value {@code k} is the cell at position {@code k}, read in place. */
    public TextColumn values() {
        return values;
    }

    @Override
    public String get(Object name) {
        int at = indexOf(name);
        return at < 0 ? null : values.get(at);
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(name) >= 0;
    }

    @Override
    public int size() {
        return names.length;
    }

    /** The cells in the body's order, without an entry object each. */
    @Override
    public void forEach(BiConsumer<? super String, ? super String> action) {
        for (int k = 0; k < names.length; k++) {
            action.accept(names[k], values.get(k));
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
                        return next < names.length;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (next >= names.length) {
                            throw new NoSuchElementException();
                        }
                        int at = next++;
                        return new SimpleImmutableEntry<>(names[at], values.get(at));
                    }
                };
            }

            @Override
            public int size() {
                return names.length;
            }
        };
    }

    /** A second cell of a name the row has already: a row maps each name to one value. */
    public static final class DuplicateNameException extends IllegalArgumentException {
        private final String name;

        DuplicateNameException(String name) {
            super("the row has a cell named '" + name + "' already");
            this.name = name;
        }

        public String name() {
            return name;
        }
    }

    /**
     * Appends cells one by one, each a {@link #name} and then its value; {@link #reset} lets one builder serve many
     * rows on one thread. It refuses a name given twice in a row with one reused hash table, where a parser's check
     * would make a set per row.
     */
    public static final class Builder {
        private String[] names = new String[64];
        private final TextColumn.Builder values = new TextColumn.Builder();
        private int size;
        /** Open addressing over the names' hashes: a slot holds a name's position, if stamped with this row's turn. */
        private int[] slots = new int[128];
        private int[] stamps = new int[128];
        private int turn = 1;

        public Builder append(String name, char[] chars, int offset, int count) {
            return name(name).value(chars, offset, count);
        }

        public Builder append(String name, String value) {
            return name(name).value(value);
        }

        /**
         * Starts the next cell; its value follows.
         *
         * @throws DuplicateNameException if the row has a cell of that name already (nothing is appended)
         */
        public Builder name(String name) {
            if (2 * (size + 1) > slots.length) {
                rehash(2 * slots.length);
            }
            int mask = slots.length - 1;
            // kept by the string: a parser's names are its canonical ones, request after request
            int hash = name.hashCode();
            int at = (hash ^ hash >>> 16) & mask;
            for (; stamps[at] == turn; at = (at + 1) & mask) {
                String other = names[slots[at]];
                if (other == name || other.hashCode() == hash && other.equals(name)) {
                    throw new DuplicateNameException(name);
                }
            }
            stamps[at] = turn;
            slots[at] = size;
            if (size == names.length) {
                names = Arrays.copyOf(names, size * 2);
            }
            names[size++] = name;
            return this;
        }

        /** The value of the cell just named: the characters {@code chars[offset, offset + count)}. */
        public Builder value(char[] chars, int offset, int count) {
            values.append(chars, offset, count);
            return this;
        }

        /** The value of the cell just named, or null for a missing one. */
        public Builder value(String value) {
            if (value == null) {
                values.appendNull();
            } else {
                values.append(value);
            }
            return this;
        }

        private void rehash(int capacity) {
            slots = new int[capacity];
            stamps = new int[capacity];
            turn = 1;
            int mask = capacity - 1;
            for (int k = 0; k < size; k++) {
                int hash = names[k].hashCode();
                int at = (hash ^ hash >>> 16) & mask;
                while (stamps[at] == turn) {
                    at = (at + 1) & mask;
                }
                stamps[at] = turn;
                slots[at] = k;
            }
        }

        public TextRow build() {
            return new TextRow(Arrays.copyOf(names, size), values.build());
        }

        public Builder reset() {
            values.reset();
            Arrays.fill(names, 0, size, null);
            size = 0;
            if (++turn == 0) {  // after 2^32 rows: no stamp may look like the new row's
                Arrays.fill(stamps, 0);
                turn = 1;
            }
            return this;
        }
    }
}
