package io.mptrec.model.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns raw rows into network input: min-max scaled numbers and vocabulary indices, both fitted on the
 * training split only so that validation and test stay unseen. Part of the frozen encoder.
 *
 * @param missingTokens values that mean "missing" in rows a server receives ({@link RawEncoder}), as in the data file
 */
public record FeatureTransform(List<NumericScaling> numeric, List<Vocabulary> categorical, List<String> missingTokens) {

    public FeatureTransform {
        numeric = List.copyOf(numeric);
        categorical = List.copyOf(categorical);
        missingTokens = List.copyOf(missingTokens);
    }

    /**
     * Statistics of {@code trainRows} only; a field missing in all of them scales everything to 0. A categorical
     * field's vocabulary holds the values seen at least its schema's minCount times (default 1) in those rows.
     */
    public static FeatureTransform fit(Dataset data, int[] trainRows) {
        List<NumericScaling> scalings = new ArrayList<>();
        List<String> numericNames = data.numericFeatures();
        for (int f = 0; f < numericNames.size(); f++) {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int row : trainRows) {
                float v = data.numeric(row, f);
                if (!Float.isNaN(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            scalings.add(min <= max ? new NumericScaling(numericNames.get(f), min, max)
                    : new NumericScaling(numericNames.get(f), 0f, 0f));
        }
        List<Vocabulary> vocabularies = new ArrayList<>();
        List<String> categoricalNames = data.categoricalFeatures();
        for (int f = 0; f < categoricalNames.size(); f++) {
            Map<String, Integer> counts = new HashMap<>();
            for (int row : trainRows) {
                String v = data.categorical(row, f);
                if (v != null) {
                    counts.merge(v, 1, Integer::sum);
                }
            }
            // Rarer values share the unseen slot: an id seen a few times would get an embedding trained on nothing.
            int minCount = data.schema().minCount(categoricalNames.get(f));
            TreeSet<String> kept = new TreeSet<>();
            counts.forEach((value, count) -> {
                if (count >= minCount) {
                    kept.add(value);
                }
            });
            vocabularies.add(new Vocabulary(categoricalNames.get(f), List.copyOf(kept)));
        }
        return new FeatureTransform(scalings, vocabularies, data.schema().format().missingTokens());
    }

    /**
     * @throws InputMismatchException when {@code data}'s numeric or categorical columns are not this transform's, in
     *                                the same order (it reads them by position)
     */
    public EncodedRows encode(Dataset data, int[] rows) {
        requireInputs(data.numericFeatures(), data.categoricalFeatures());
        int fn = numeric.size();
        int fc = categorical.size();
        float[] x = new float[rows.length * fn];
        int[] c = new int[rows.length * fc];
        for (int i = 0; i < rows.length; i++) {
            for (int f = 0; f < fn; f++) {
                x[i * fn + f] = numeric.get(f).scale(data.numeric(rows[i], f));
            }
            for (int f = 0; f < fc; f++) {
                c[i * fc + f] = categorical.get(f).indexOf(data.categorical(rows[i], f));
            }
        }
        return new EncodedRows(rows.length, fn, fc, x, c);
    }

    /**
     * The input contract: a dataset's numeric and categorical columns, each in order, must be the ones this transform
     * was fitted on (names and roles; ignored columns are free). Checked before any row is encoded.
     *
     * @throws InputMismatchException naming the first column that differs
     */
    public void requireInputs(List<String> numericFields, List<String> categoricalFields) {
        List<String> expectedNumeric = numeric.stream().map(NumericScaling::field).toList();
        List<String> expectedCategorical = categorical.stream().map(Vocabulary::field).toList();
        if (expectedNumeric.equals(numericFields) && expectedCategorical.equals(categoricalFields)) {
            return;
        }
        mismatch("numeric", expectedNumeric, numericFields, "categorical", categoricalFields);
        mismatch("categorical", expectedCategorical, categoricalFields, "numeric", numericFields);
    }

    /**
     * The input contract of a file of raw rows (a header row), where columns are found by name: every column the
     * encoder reads must be there; other columns are free.
     *
     * @throws InputMismatchException naming the first of the encoder's columns that {@code columns} lacks
     */
    public void requireColumns(java.util.Collection<String> columns) {
        for (NumericScaling n : numeric) {
            if (!columns.contains(n.field())) {
                throw new InputMismatchException(n.field(), "the encoder reads it as numeric; the input has no such column");
            }
        }
        for (Vocabulary v : categorical) {
            if (!columns.contains(v.field())) {
                throw new InputMismatchException(v.field(), "the encoder reads it as categorical; the input has no such column");
            }
        }
    }

    private static void mismatch(String role, List<String> expected, List<String> actual, String otherRole,
                                 List<String> otherActual) {
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            String want = i < expected.size() ? expected.get(i) : null;
            String got = i < actual.size() ? actual.get(i) : null;
            if (want != null && want.equals(got)) {
                continue;
            }
            if (want == null) {
                throw new InputMismatchException(got, "the schema has " + role + " column '" + got
                        + "' beyond the encoder's " + expected.size() + " " + role + " columns");
            }
            if (otherActual.contains(want)) {
                throw new InputMismatchException(want, "the encoder reads it as " + role + ", the schema as "
                        + otherRole);
            }
            if (!actual.contains(want)) {
                throw new InputMismatchException(want, "the encoder reads it as " + role + " column " + (i + 1)
                        + ", the schema has no " + role + " column of that name (ignored or absent)");
            }
            throw new InputMismatchException(want, "the encoder reads it as " + role + " column " + (i + 1)
                    + ", the schema lists it in another position (" + role + " column " + (actual.indexOf(want) + 1)
                    + ")");
        }
    }

    /**
     * Embedding-table rows per categorical field, in order: one per vocabulary value plus the unseen/missing row 0
     * ({@link Vocabulary#size()}). The embedding table stacks the fields' rows in this order.
     */
    public int[] embeddingRows() {
        return categorical.stream().mapToInt(Vocabulary::size).toArray();
    }

    /** Width of the input vector x: numeric fields plus one embedding per categorical field. */
    public int inputWidth(int embeddingDim) {
        return numeric.size() + categorical.size() * embeddingDim;
    }
}
