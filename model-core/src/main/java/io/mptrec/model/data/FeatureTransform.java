package io.mptrec.model.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns raw rows into network input: min-max scaled numbers and vocabulary indices, both fitted on the
 * training split only so that validation and test stay unseen. Part of the frozen encoder.
 *
 * @param missingTokens values that mean "missing" in {@link #encodeRaw(List)}, as in the data file
 */
public record FeatureTransform(List<NumericScaling> numeric, List<Vocabulary> categorical, List<String> missingTokens) {

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    public FeatureTransform {
        numeric = List.copyOf(numeric);
        categorical = List.copyOf(categorical);
        missingTokens = List.copyOf(missingTokens);
    }

    /** Statistics of {@code trainRows} only; a field missing in all of them scales everything to 0. */
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
            TreeSet<String> seen = new TreeSet<>();
            for (int row : trainRows) {
                String v = data.categorical(row, f);
                if (v != null) {
                    seen.add(v);
                }
            }
            vocabularies.add(new Vocabulary(categoricalNames.get(f), List.copyOf(seen)));
        }
        return new FeatureTransform(scalings, vocabularies, data.schema().format().missingTokens());
    }

    public EncodedRows encode(Dataset data, int[] rows) {
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
     * Encodes rows as a server receives them: column name to raw string. Values are stripped of
     * surrounding whitespace; an absent column, null or a missing token is missing; extra columns are ignored.
     *
     * @throws IllegalArgumentException for a numeric value that is not a number, naming row, column and value
     */
    public EncodedRows encodeRaw(List<Map<String, String>> rows) {
        int fn = numeric.size();
        int fc = categorical.size();
        float[] x = new float[rows.size() * fn];
        int[] c = new int[rows.size() * fc];
        for (int i = 0; i < rows.size(); i++) {
            Map<String, String> row = rows.get(i);
            for (int f = 0; f < fn; f++) {
                NumericScaling scaling = numeric.get(f);
                String v = present(row.get(scaling.field()));
                if (v != null && !NUMBER.matcher(v).matches()) {
                    throw new IllegalArgumentException(
                            "row " + i + ", column '" + scaling.field() + "': '" + v + "' is not a number");
                }
                x[i * fn + f] = scaling.scale(v == null ? Float.NaN : Float.parseFloat(v));
            }
            for (int f = 0; f < fc; f++) {
                Vocabulary vocabulary = categorical.get(f);
                c[i * fc + f] = vocabulary.indexOf(present(row.get(vocabulary.field())));
            }
        }
        return new EncodedRows(rows.size(), fn, fc, x, c);
    }

    /** Width of the input vector x: numeric fields plus one embedding per categorical field. */
    public int inputWidth(int embeddingDim) {
        return numeric.size() + categorical.size() * embeddingDim;
    }

    private String present(String raw) {
        if (raw == null) {
            return null;
        }
        String v = raw.strip();
        return missingTokens.contains(v) ? null : v;
    }
}
