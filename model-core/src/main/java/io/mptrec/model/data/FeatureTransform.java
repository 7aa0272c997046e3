package io.mptrec.model.data;

import java.util.ArrayList;
import java.util.List;
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

    /** Width of the input vector x: numeric fields plus one embedding per categorical field. */
    public int inputWidth(int embeddingDim) {
        return numeric.size() + categorical.size() * embeddingDim;
    }
}
