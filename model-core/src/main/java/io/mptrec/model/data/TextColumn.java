package io.mptrec.model.data;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.RandomAccess;

/**
 * A column of text values, as a scoring request sends candidates column-major: every value's characters in one
 * string, with the bounds of each, instead of a string per value. A request of 100 candidates and 42 columns held 4,200
 * strings, about half of what it allocated (ab-testing/BENCHMARK.md, "What a request allocates"); {@link RawEncoder}
 * reads the values where they are. {@link #get} makes a value's own string only when asked (an error message, a
 * caller that wants a {@code List<String>}). Immutable; a null value is kept as null.
 */
public final class TextColumn extends AbstractList<String> implements RandomAccess {

    private final String text;
    /** Value i is {@code text[bounds[i], bounds[i + 1])}. */
    private final int[] bounds;
    /** The null values' indices; null when there is none. */
    private final BitSet nulls;

    private TextColumn(String text, int[] bounds, BitSet nulls) {
        this.text = text;
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
        return isNull(i) ? null : text.substring(start(i), end(i));
    }

    public boolean isNull(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException(i);
        }
        return nulls != null && nulls.get(i);
    }

    /** Every value's characters, one after the other; value i is {@code text().substring(start(i), end(i))}. */
    public String text() {
        return text;
    }

    public int start(int i) {
        return bounds[i];
    }

    public int end(int i) {
        return bounds[i + 1];
    }

    /**
     * Appends values one by one. {@link #reset} lets one builder serve the columns of many requests on one thread, so
     * that only the built column is allocated.
     */
    public static final class Builder {
        private final StringBuilder text = new StringBuilder(256);
        private int[] bounds = new int[64];
        private int size;
        private BitSet nulls;

        public Builder append(char[] chars, int offset, int length) {
            text.append(chars, offset, length);
            return next();
        }

        public Builder append(String value) {
            text.append(value);
            return next();
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
            bounds[++size] = text.length();
            return this;
        }

        public TextColumn build() {
            return new TextColumn(text.toString(), Arrays.copyOf(bounds, size + 1), nulls);
        }

        /** Empties the builder for the next column (keeps what it has grown to, unless that is far beyond usual). */
        public Builder reset() {
            if (text.capacity() > 1 << 20) {
                text.setLength(0);
                text.trimToSize();
            }
            text.setLength(0);
            size = 0;
            nulls = null;
            return this;
        }
    }
}
