package io.mptrec.model.data;

import java.nio.CharBuffer;
import java.util.List;
import java.util.Map;

/**
 * Encodes rows as a server receives them (column name to raw string) with a {@link FeatureTransform}: the same
 * numbers and vocabulary indices as {@link FeatureTransform#encode(Dataset, int[])} gives for the same values in a
 * data file. Values are stripped of surrounding whitespace; an absent column, null or a missing token is missing;
 * extra columns are ignored.
 *
 * <p>Built once per encoder and shared (immutable, thread-safe): the vocabularies become {@link TextIndex}es and the
 * number check is a hand-written scanner, because a scoring request encodes thousands of values. Every value is read
 * where it is, as a range of a {@link TextColumn}'s characters (a column's values, or a {@link TextRow}'s), so both
 * layouts take the same path; maps and lists of strings from other callers are copied into those first.
 *
 * <p>Two layouts: row-major ({@link #encodeRows}, one map per row) and column-major ({@link #encodeColumns}, one list
 * of values per column, as TensorFlow Serving's columnar "inputs"), which a client sending many candidates should
 * prefer: it parses into a {@link TextColumn} per column instead of a {@link TextRow} per candidate.
 */
public final class RawEncoder {

    private final FeatureTransform transform;
    private final List<NumericScaling> numeric;
    private final List<Vocabulary> categorical;
    private final List<TextIndex> indices;
    private final TextIndex missingTokens;

    public RawEncoder(FeatureTransform transform) {
        this.transform = transform;
        this.numeric = transform.numeric();
        this.categorical = transform.categorical();
        // vocabulary index 0 is "missing or unseen"; value i of the vocabulary is index i + 1, a missing token 0: one
        // lookup per categorical value
        this.indices = categorical.stream()
                .map(vocabulary -> new TextIndex(vocabulary.values(), 1, transform.missingTokens())).toList();
        this.missingTokens = new TextIndex(transform.missingTokens(), 1);
    }

    /**
     * @throws IllegalArgumentException for a numeric value that is not a number, naming row, column and value
     */
    public EncodedRows encodeRows(List<Map<String, String>> rows) {
        int n = rows.size();
        int fn = transform.numericWidth();
        int fc = transform.categoricalWidth();
        float[] x = new float[n * fn];
        int[] c = new int[n * fc];
        float[] numbers = new float[numeric.size()];
        for (int i = 0; i < n; i++) {
            TextRow row = TextRow.of(rows.get(i));
            TextColumn values = row.values();
            CharBuffer text = CharBuffer.wrap(values.chars());
            for (int f = 0; f < numbers.length; f++) {
                int k = row.indexOf(numeric.get(f).field());
                numbers[f] = k < 0 ? Float.NaN : number(f, values, k, text, i);
            }
            for (int f = 0; f < categorical.size(); f++) {
                int k = row.indexOf(categorical.get(f).field());
                c[i * fc + f] = k < 0 ? 0 : index(f, values, k);
            }
            transform.encodeNumbers(numbers, x, i * fn, c, i * fc);
        }
        return new EncodedRows(n, fn, fc, x, c);
    }

    /**
     * Column-major input: each column's values, row i at index i. Every column given must have the same number of
     * values (that number is the row count); a column not given is missing in every row; a null list is refused.
     * Columns that are {@link TextColumn}s are read in place, others copied into one first.
     *
     * @throws IllegalArgumentException for no column, columns of different lengths, a null list, or a numeric value
     *                                  that is not a number (naming row, column and value)
     */
    public EncodedRows encodeColumns(Map<String, List<String>> columns) {
        int n = rowCount(columns);
        int fn = transform.numericWidth();
        int fc = transform.categoricalWidth();
        float[] x = new float[n * fn];
        int[] c = new int[n * fc];
        for (int f = 0; f < categorical.size(); f++) {
            TextColumn values = column(columns, categorical.get(f).field());
            for (int i = 0; values != null && i < n; i++) {
                c[i * fc + f] = index(f, values, i);
            }
        }
        TextColumn[] numericColumns = new TextColumn[numeric.size()];
        CharBuffer[] numericText = new CharBuffer[numeric.size()];
        for (int f = 0; f < numericColumns.length; f++) {
            numericColumns[f] = column(columns, numeric.get(f).field());
            numericText[f] = numericColumns[f] == null ? null : CharBuffer.wrap(numericColumns[f].chars());
        }
        float[] numbers = new float[numeric.size()];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < numbers.length; f++) {
                TextColumn values = numericColumns[f];
                numbers[f] = values == null ? Float.NaN : number(f, values, i, numericText[f], i);
            }
            transform.encodeNumbers(numbers, x, i * fn, c, i * fc);
        }
        return new EncodedRows(n, fn, fc, x, c);
    }

    /** The common length of the columns' value lists. */
    public static int rowCount(Map<String, List<String>> columns) {
        int n = -1;
        String first = null;
        for (Map.Entry<String, List<String>> column : columns.entrySet()) {
            if (column.getValue() == null) {
                throw new IllegalArgumentException("column '" + column.getKey() + "' has no list of values");
            }
            int size = column.getValue().size();
            if (n < 0) {
                n = size;
                first = column.getKey();
            } else if (size != n) {
                throw new IllegalArgumentException("column '" + column.getKey() + "' has " + size
                        + " values, column '" + first + "' has " + n + "; every column needs one value per row");
            }
        }
        if (n < 0) {
            throw new IllegalArgumentException("no column given");
        }
        return n;
    }

    private static TextColumn column(Map<String, List<String>> columns, String name) {
        List<String> values = columns.get(name);
        return values == null ? null : TextColumn.of(values);
    }

    /**
     * Value {@code k} of {@code values} (whose characters {@code text} wraps) as a number, NaN when missing.
     *
     * @param row the candidate, for the error
     */
    private float number(int field, TextColumn values, int k, CharBuffer text, int row) {
        if (values.isNull(k)) {
            return Float.NaN;
        }
        char[] chars = values.chars();
        int start = strippedStart(chars, values.start(k), values.end(k));
        int end = strippedEnd(chars, start, values.end(k));
        if (missingTokens.get(chars, start, end, 0) != 0) {
            return Float.NaN;
        }
        if (!DecimalText.isDecimal(text, start, end)) {
            throw new InvalidCellException(row, numeric.get(field).field(),
                    InvalidCellException.quoted(text.subSequence(start, end)) + " is not a number");
        }
        float number = DecimalText.parse(text, start, end);
        if (Float.isInfinite(number)) {
            // "1e39" is written as a decimal, but no float holds it: it would reach the model as Infinity
            throw new InvalidCellException(row, numeric.get(field).field(),
                    InvalidCellException.quoted(text.subSequence(start, end))
                            + " is out of range (at most 3.4e38 in magnitude)");
        }
        return number;
    }

    /** The vocabulary index of value {@code k} of {@code values}: 0 when missing or unseen. */
    private int index(int field, TextColumn values, int k) {
        if (values.isNull(k)) {
            return 0;
        }
        char[] chars = values.chars();
        int start = strippedStart(chars, values.start(k), values.end(k));
        int end = strippedEnd(chars, start, values.end(k));
        return indices.get(field).get(chars, start, end, 0);
    }

    /**
     * Where {@code text[from, to)} starts once stripped as {@link String#strip} does (no supplementary code point is
     * whitespace, so char by char is the same).
     */
    private static int strippedStart(char[] text, int from, int to) {
        while (from < to && Character.isWhitespace(text[from])) {
            from++;
        }
        return from;
    }

    private static int strippedEnd(char[] text, int from, int to) {
        while (to > from && Character.isWhitespace(text[to - 1])) {
            to--;
        }
        return to;
    }
}
