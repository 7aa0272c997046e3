package io.mptrec.model.report;

import io.mptrec.model.data.Split;

/**
 * How a contribution report samples and measures.
 *
 * @param split the evaluation split
 * @param rows at most this many rows of the split, drawn with {@code seed} (all of them when the split is smaller)
 * @param steps midpoint-rule steps of integrated gradients
 * @param sliceField a categorical feature to slice the attention (and gate) by, or null
 * @param topSlices how many of its most frequent values to report
 * @param baseline what integrated gradients and occlusion compare each row with
 * @param baselineRows K, the train rows sampled (with {@code seed}) for {@link AttributionBaseline#EXPECTED_GRADIENTS};
 *                     ignored by the other baselines
 */
public record ReportOptions(Split split, int rows, long seed, int steps, String sliceField, int topSlices,
                            AttributionBaseline baseline, int baselineRows) {

    public static final int DEFAULT_ROWS = 2000;
    public static final long DEFAULT_SEED = 1;
    public static final int DEFAULT_STEPS = 64;
    public static final int DEFAULT_TOP_SLICES = 20;
    /** K of expected gradients: the report's cost grows linearly with it (K integrated-gradients runs). */
    public static final int DEFAULT_BASELINE_ROWS = 8;
    /** Integrated gradients converge long before: 10,000 steps are 150 times the default. */
    public static final int MAX_STEPS = 10_000;
    public static final int MAX_BASELINE_ROWS = 1_000;

    public ReportOptions {
        if (split == null) {
            throw new IllegalArgumentException("a split is required");
        }
        if (baseline == null) {
            throw new IllegalArgumentException("a baseline is required");
        }
        // each bound named as the command line gives it; the report's cost grows with rows x steps x baselineRows
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be 1 or more, got " + rows);
        }
        if (steps < 1 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("steps must be 1 to " + MAX_STEPS + ", got " + steps);
        }
        if (baselineRows < 1 || baselineRows > MAX_BASELINE_ROWS) {
            throw new IllegalArgumentException("baseline rows must be 1 to " + MAX_BASELINE_ROWS + ", got "
                    + baselineRows);
        }
        if (topSlices < 1) {
            throw new IllegalArgumentException("the number of top slices must be 1 or more, got " + topSlices);
        }
    }

    public static ReportOptions defaults() {
        return new ReportOptions(Split.TEST, DEFAULT_ROWS, DEFAULT_SEED, DEFAULT_STEPS, null, DEFAULT_TOP_SLICES,
                AttributionBaseline.ZERO, DEFAULT_BASELINE_ROWS);
    }

    public ReportOptions withRows(int n) {
        return new ReportOptions(split, n, seed, steps, sliceField, topSlices, baseline, baselineRows);
    }

    public ReportOptions withSeed(long s) {
        return new ReportOptions(split, rows, s, steps, sliceField, topSlices, baseline, baselineRows);
    }

    public ReportOptions withSteps(int m) {
        return new ReportOptions(split, rows, seed, m, sliceField, topSlices, baseline, baselineRows);
    }

    public ReportOptions withSplit(Split s) {
        return new ReportOptions(s, rows, seed, steps, sliceField, topSlices, baseline, baselineRows);
    }

    public ReportOptions withSliceField(String field) {
        return new ReportOptions(split, rows, seed, steps, field, topSlices, baseline, baselineRows);
    }

    public ReportOptions withBaseline(AttributionBaseline b) {
        return new ReportOptions(split, rows, seed, steps, sliceField, topSlices, b, baselineRows);
    }

    public ReportOptions withBaselineRows(int k) {
        return new ReportOptions(split, rows, seed, steps, sliceField, topSlices, baseline, k);
    }
}
