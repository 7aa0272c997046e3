package io.mptrec.ab.statistics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Adjusted p-values for several metrics tested at once. Compare each adjusted p-value with alpha.
 * Works with any valid p-values, including the always-valid ones of {@link SequentialTest}.
 */
public final class MultipleTesting {

    public enum Correction {
        /** No correction (one metric). */
        NONE,
        /** Holm (1979) step-down: controls the family-wise error rate, uniformly more powerful than Bonferroni. */
        HOLM,
        /** Benjamini and Hochberg (1995) step-up: controls the false discovery rate (independent or PRDS tests). */
        BENJAMINI_HOCHBERG
    }

    private MultipleTesting() {
    }

    /** Adjusted p-values in the input order. */
    public static List<Double> adjust(Correction correction, List<Double> pValues) {
        for (double p : pValues) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("pValues: each must be in [0, 1], got " + p);
            }
        }
        return switch (correction) {
            case NONE -> List.copyOf(pValues);
            case HOLM -> holm(pValues);
            case BENJAMINI_HOCHBERG -> benjaminiHochberg(pValues);
        };
    }

    /** Holm: sort ascending, p~_(i) = max_{j <= i} min(1, (m - j + 1) p_(j)) (1-based ranks). */
    private static List<Double> holm(List<Double> p) {
        int m = p.size();
        Integer[] order = ascending(p);
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1.0, (m - rank) * p.get(i)));
            adjusted[i] = running;
        }
        return Arrays.stream(adjusted).boxed().toList();
    }

    /** Benjamini-Hochberg: p~_(i) = min_{j >= i} min(1, m p_(j) / j) (1-based ranks). */
    private static List<Double> benjaminiHochberg(List<Double> p) {
        int m = p.size();
        Integer[] order = ascending(p);
        double[] adjusted = new double[m];
        double running = 1.0;
        for (int rank = m - 1; rank >= 0; rank--) {
            int i = order[rank];
            running = Math.min(running, Math.min(1.0, m * p.get(i) / (rank + 1)));
            adjusted[i] = running;
        }
        return Arrays.stream(adjusted).boxed().toList();
    }

    private static Integer[] ascending(List<Double> p) {
        // Stable sort keeps ties in input order, so results are deterministic.
        return IntStream.range(0, p.size()).boxed().sorted(Comparator.comparingDouble(p::get)).toArray(Integer[]::new);
    }
}
