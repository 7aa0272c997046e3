package io.mptrec.model.data;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.RandomAccess;

/**
 * A column of text values, as a scoring request sends candidates column-major: every value's characters in one
 * array, with the bounds of each, instead of a string per value. A request of 100 candidates and 42 columns held 4,200
 * strings, about half of what it allocated (ab-testing/BENCHMARK.md, "What a request allocates"); {@link RawEncoder}
 * reads the values where they are. {@link #get} makes a value's own string only when asked (an error message, a
 * caller that wants a {@code List<String>}). Immutable; a null value is kept as null.
 */
public final class TextColumn extends AbstractList<String> implements RandomAccess {

    private final char[] chars;
    /** Value i is {@code chars[bounds[i], bounds[i + 1])}. */
    private final int[] bounds;
    /** The null values' indices; null when there is none. */
    private final BitSet nulls;

    private TextColumn(char[] chars, int[] bounds, BitSet nulls) {
        this.chars = chars;
        this.bounds = bounds;
        this.nulls = nulls;
    }

    /** The column itself when it is one already, else its values copied into one. */
    public static TextColumn of(List<String> values) {
        if (values instanceof TextColumn column) {
            return column;
        }
        Builder builder = new Builder();
        for (String value : values) {
            if (value == null) {
                builder.appendNull();
            } else {
                builder.append(value);
            }
        }
        return builder.build();
    }

    @Override
    public int size() {
        return bounds.length - 1;
    }

    @Override
    public String get(int i) {
        return isNull(i) ? null : new String(chars, start(i), end(i) - start(i));
    }

    public boolean isNull(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException(i);
        }
        return nulls != null && nulls.get(i);
    }

    /** Every value's characters, one after the other, value i from {@link #start} to {@link #end}; not to be changed. */
    public char[] chars() {
        return chars;
    }

    public int start(int i) {
        return bounds[i];
    }

    public int end(int i) {
        return bounds[i + 1];
    }

    /** How many characters all the values hold: {@link #chars()} from 0 to this. */
    public int length() {
        return bounds[bounds.length - 1];
    }

    /**
     * Appends values one by one. {@link #reset} lets one builder serve the columns of many requests on one thread, so
     * that only the built column is allocated.
     */
    public static final class Builder {
        private char[] chars = new char[1024];
        private int length;
        private int[] bounds = new int[64];
        private int size;
        private BitSet nulls;

        public Builder append(char[] value, int offset, int count) {
            System.arraycopy(value, offset, room(count), length, count);
            length += count;
            return next();
        }

        public Builder append(String value) {
            value.getChars(0, value.length(), room(value.length()), length);
            length += value.length();
            return next();
        }

        private char[] room(int count) {
            if (length + count > chars.length) {
                chars = Arrays.copyOf(chars, Math.max(chars.length * 2, length + count));
            }
            return chars;
        }

        public Builder appendNull() {
            if (nulls == null) {
                nulls = new BitSet();
            }
            nulls.set(size);
            return next();
        }

        private Builder next() {
            if (size + 2 > bounds.length) {
                bounds = Arrays.copyOf(bounds, bounds.length * 2);
            }
            bounds[++size] = length;
            return this;
        }

        public TextColumn build() {
            return new TextColumn(Arrays.copyOf(chars, length), Arrays.copyOf(bounds, size + 1), nulls);
        }

        /** Empties the builder for the next column (keeps what it has grown to, unless that is far beyond usual). */
        public Builder reset() {
            if (chars.length > 1 << 20) {
                chars = new char[1024];
            }
            length = 0;
            size = 0;
            nulls = null;
            return this;
        }
    }
}
