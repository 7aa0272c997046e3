package io.mptrec.model.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Encodes rows as a server receives them (column name to raw string) with a {@link FeatureTransform}: the same
 * numbers and vocabulary indices as {@link FeatureTransform#encode(Dataset, int[])} gives for the same values in a
 * data file. Values are stripped of surrounding whitespace; an absent column, null or a missing token is missing;
 * extra columns are ignored.
 *
 * <p>Built once per encoder and shared (immutable, thread-safe): the vocabularies become hash maps and the number
 * check is a hand-written scanner, because a scoring request encodes thousands of values.
 *
 * <p>Two layouts: row-major ({@link #encodeRows}, one map per row) and column-major ({@link #encodeColumns}, one list
 * of values per column, as TensorFlow Serving's columnar "inputs"), which a client sending many candidates should
 * prefer: it parses into a few lists instead of one map per row.
 */
public final class RawEncoder {

    private final FeatureTransform transform;
    private final List<NumericScaling> numeric;
    private final List<Vocabulary> categorical;
    private final List<Map<String, Integer>> indices;
    private final Set<String> missingTokens;

    public RawEncoder(FeatureTransform transform) {
        this.transform = transform;
        this.numeric = transform.numeric();
        this.categorical = transform.categorical();
        this.indices = categorical.stream().map(RawEncoder::indexMap).toList();
        this.missingTokens = Set.copyOf(transform.missingTokens());
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
            Map<String, String> row = rows.get(i);
            for (int f = 0; f < numbers.length; f++) {
                numbers[f] = number(f, row.get(numeric.get(f).field()), i);
            }
            for (int f = 0; f < categorical.size(); f++) {
                c[i * fc + f] = index(f, row.get(categorical.get(f).field()));
            }
            transform.encodeNumbers(numbers, x, i * fn, c, i * fc);
        }
        return new EncodedRows(n, fn, fc, x, c);
    }

    /**
     * Column-major input: each column's values, row i at index i. Every column given must have the same number of
     * values (that number is the row count); a column not given is missing in every row; a null list is refused.
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
            List<String> values = columns.get(categorical.get(f).field());
            for (int i = 0; i < n; i++) {
                c[i * fc + f] = index(f, values == null ? null : values.get(i));
            }
        }
        List<List<String>> numericColumns = numeric.stream().map(field -> columns.get(field.field())).toList();
        float[] numbers = new float[numeric.size()];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < numbers.length; f++) {
                List<String> values = numericColumns.get(f);
                numbers[f] = number(f, values == null ? null : values.get(i), i);
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

    /** The raw value as a number, NaN when missing. */
    private float number(int field, String raw, int row) {
        String v = present(raw);
        if (v == null) {
            return Float.NaN;
        }
        if (!DecimalText.isDecimal(v)) {
            throw new InvalidCellException(row, numeric.get(field).field(), "'" + v + "' is not a number");
        }
        return Float.parseFloat(v);
    }

    private int index(int field, String raw) {
        String v = present(raw);
        return v == null ? 0 : indices.get(field).getOrDefault(v, 0);
    }

    private String present(String raw) {
        if (raw == null) {
            return null;
        }
        String v = raw.strip();
        return missingTokens.contains(v) ? null : v;
    }

    private static Map<String, Integer> indexMap(Vocabulary vocabulary) {
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < vocabulary.values().size(); i++) {
            map.put(vocabulary.values().get(i), i + 1);
        }
        return Map.copyOf(map);
    }
}
