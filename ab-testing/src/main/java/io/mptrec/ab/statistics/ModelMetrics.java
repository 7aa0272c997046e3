package io.mptrec.ab.statistics;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Online model quality of one arm from (score, outcome) pairs of its exposures.
 *
 * @param count     pairs
 * @param positives pairs with outcome true
 * @param auc       ROC AUC = P(score of a random positive > score of a random negative) + 0.5 P(tie);
 *                  NaN when one class is absent
 * @param logLoss   mean of -[y ln p + (1 - y) ln(1 - p)], p clipped to [1e-15, 1 - 1e-15]
 */
public record ModelMetrics(long count, long positives, double auc, double logLoss) {

    static final double EPSILON = 1e-15;

    /**
     * Exact, tie-aware AUC by the Mann-Whitney U statistic with mid-ranks (Hanley and McNeil 1982):
     * AUC = (R_pos - n_pos (n_pos + 1) / 2) / (n_pos n_neg), R_pos the sum of positive ranks. O(n log n).
     *
     * @param scores   predicted probabilities in [0, 1]
     * @param outcomes observed labels, same length
     */
    public static ModelMetrics of(double[] scores, boolean[] outcomes) {
        if (scores.length != outcomes.length || scores.length == 0) {
            throw new IllegalArgumentException("outcomes: need one outcome per score and at least one pair");
        }
        int n = scores.length;
        long positives = 0;
        double logLoss = 0;
        for (int i = 0; i < n; i++) {
            double s = scores[i];
            if (!(s >= 0 && s <= 1)) {
                throw new IllegalArgumentException("scores: must be probabilities in [0, 1], got " + s);
            }
            double p = Math.min(1 - EPSILON, Math.max(EPSILON, s));
            logLoss -= outcomes[i] ? Math.log(p) : Math.log1p(-p);
            if (outcomes[i]) {
                positives++;
            }
        }
        long negatives = n - positives;
        double auc = Double.NaN;
        if (positives > 0 && negatives > 0) {
            Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> scores[i]))
                    .toArray(Integer[]::new);
            double positiveRankSum = 0;
            int i = 0;
            while (i < n) {
                int j = i;
                while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                    j++;
                }
                double midRank = (i + j + 2) / 2.0; // ranks are 1-based: (i+1 + j+1) / 2
                for (int k = i; k <= j; k++) {
                    if (outcomes[order[k]]) {
                        positiveRankSum += midRank;
                    }
                }
                i = j + 1;
            }
            auc = (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
        }
        return new ModelMetrics(n, positives, auc, logLoss / n);
    }

    /**
     * From pairs kept in score bins, in increasing order of score (the Kafka path's aggregates): the same Mann-Whitney
     * statistic with each bin taken as one tie, so that the AUC differs from the exact one by at most half the share
     * of positive-negative pairs that fall in one bin. The log loss is exact: its sum over the pairs is kept.
     *
     * @param pairs     per bin, the pairs in it
     * @param positives per bin, those with outcome true
     * @param lossSum   the sum over all pairs of -[y ln p + (1 - y) ln(1 - p)], p clipped as in {@link #of}
     * @return null when there is no pair
     */
    public static ModelMetrics ofBins(long[] pairs, long[] positives, double lossSum) {
        if (pairs.length != positives.length) {
            throw new IllegalArgumentException("positives: need one count per bin");
        }
        long n = 0;
        long p = 0;
        for (int b = 0; b < pairs.length; b++) {
            if (positives[b] < 0 || positives[b] > pairs[b]) {
                throw new IllegalArgumentException("positives: must be in [0, pairs] in every bin, got " + positives[b]
                        + " of " + pairs[b] + " in bin " + b);
            }
            n += pairs[b];
            p += positives[b];
        }
        if (n == 0) {
            return null;
        }
        double auc = Double.NaN;
        if (p > 0 && p < n) {
            double favourable = 0; // pairs (positive, negative) with the positive above, ties counted half
            long negativesBelow = 0;
            for (int b = 0; b < pairs.length; b++) {
                long negatives = pairs[b] - positives[b];
                favourable += positives[b] * (negativesBelow + 0.5 * negatives);
                negativesBelow += negatives;
            }
            auc = favourable / ((double) p * (n - p));
        }
        return new ModelMetrics(n, p, auc, lossSum / n);
    }

    /** Same as {@link #of(double[], boolean[])} for 0/1 outcomes. */
    public static ModelMetrics of(double[] scores, int[] outcomes) {
        boolean[] b = new boolean[outcomes.length];
        for (int i = 0; i < b.length; i++) {
            if (outcomes[i] != 0 && outcomes[i] != 1) {
                throw new IllegalArgumentException("outcomes: must be 0 or 1, got " + outcomes[i]);
            }
            b[i] = outcomes[i] == 1;
        }
        return of(scores, b);
    }
}
