package io.mptrec.model.metrics;

import java.util.Arrays;

/** Offline metrics of a binary classifier. Labels are 0 or 1. */
public final class BinaryMetrics {

    private static final double EPSILON = 1e-7;

    private BinaryMetrics() {
    }

    /**
     * Exact ROC-AUC as the Mann-Whitney statistic: the probability that a random positive scores above a
     * random negative, a tie counting one half (tied scores share their average rank).
     *
     * @throws IllegalArgumentException if lengths differ, a label is not 0 or 1, a score is NaN, or only one
     *                                  class is present
     */
    public static double auc(float[] scores, float[] labels) {
        checkLengths(scores.length, labels.length);
        int n = scores.length;
        for (int i = 0; i < n; i++) {
            checkLabel(labels, i);
        }
        long[] order = scoreOrder(scores);
        double positiveRankSum = 0;
        long positives = 0;
        int start = 0;
        while (start < n) {
            int end = start;
            int startBits = (int) (order[start] >>> 32);
            while (end < n && (int) (order[end] >>> 32) == startBits) {
                end++;
            }
            double averageRank = (start + 1 + end) / 2.0; // ranks start+1..end
            for (int k = start; k < end; k++) {
                if (labels[(int) order[k]] == 1f) {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }
            start = end;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("AUC needs both classes, found " + positives + " positives and "
                    + negatives + " negatives");
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /**
     * GAUC: the AUC of each group (a user) over its own rows, averaged with the group's row count as weight, over the
     * groups that have both classes (others have no AUC and are left out, rows and all). Rows whose group is negative
     * (no user) are left out too.
     *
     * @param groups per row a group id; ids need not be dense
     * @throws IllegalArgumentException if lengths differ, a label is not 0 or 1, a score is NaN, or no group has
     *                                  both classes
     */
    public static GroupedAuc gauc(float[] scores, float[] labels, int[] groups) {
        checkLengths(scores.length, labels.length);
        checkLengths(scores.length, groups.length);
        int n = scores.length;
        long[] order = new long[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            checkLabel(labels, i);
            if (groups[i] >= 0) {
                order[m++] = ((long) groups[i] << 32) | i;
            }
        }
        Arrays.sort(order, 0, m);
        double weightedSum = 0;
        int counted = 0;
        int samples = 0;
        int positives = 0;
        for (int start = 0; start < m; ) {
            int group = (int) (order[start] >>> 32);
            int end = start;
            int groupPositives = 0;
            while (end < m && (int) (order[end] >>> 32) == group) {
                groupPositives += labels[(int) order[end]] == 1f ? 1 : 0;
                end++;
            }
            int size = end - start;
            if (groupPositives > 0 && groupPositives < size) {
                float[] s = new float[size];
                float[] y = new float[size];
                for (int k = 0; k < size; k++) {
                    int row = (int) order[start + k];
                    s[k] = scores[row];
                    y[k] = labels[row];
                }
                weightedSum += size * auc(s, y);
                counted++;
                samples += size;
                positives += groupPositives;
            }
            start = end;
        }
        if (counted == 0) {
            throw new IllegalArgumentException("GAUC needs a group with both classes, found none among " + m + " rows");
        }
        return new GroupedAuc(weightedSum / samples, counted, samples, positives);
    }

    /**
     * @param value     the impression-weighted mean of the groups' AUCs
     * @param groups    the groups with both classes, which the mean is over
     * @param samples   their rows
     * @param positives their positive rows
     */
    public record GroupedAuc(double value, int groups, int samples, int positives) {
    }

    /** Mean binary cross-entropy (natural log), probabilities clipped to [1e-7, 1 - 1e-7]. */
    public static double logLoss(float[] probabilities, float[] labels) {
        checkLengths(probabilities.length, labels.length);
        if (probabilities.length == 0) {
            throw new IllegalArgumentException("no rows");
        }
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            checkLabel(labels, i);
            double p = Math.min(1 - EPSILON, Math.max(EPSILON, probabilities[i]));
            sum -= labels[i] == 1f ? Math.log(p) : Math.log(1 - p);
        }
        return sum / probabilities.length;
    }

    /**
     * Expected calibration error (Guo, Pleiss, Sun and Weinberger, "On Calibration of Modern Neural Networks", 2017):
     * the rows fall into {@code bins} equal-width bins of predicted probability over [0, 1] (1 in the last), and the
     * error is the mean over bins, weighted by their rows, of |observed positive rate - mean prediction|. 0 for a
     * perfectly calibrated model, at most 1.
     *
     * @throws IllegalArgumentException if lengths differ, there are no rows or fewer than one bin, a label is not 0 or 1,
     *                                  or a probability is NaN or outside [0, 1]
     */
    public static double expectedCalibrationError(float[] probabilities, float[] labels, int bins) {
        checkLengths(probabilities.length, labels.length);
        if (probabilities.length == 0) {
            throw new IllegalArgumentException("no rows");
        }
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be at least 1, was " + bins);
        }
        double[] predicted = new double[bins];
        double[] observed = new double[bins];
        for (int i = 0; i < probabilities.length; i++) {
            checkLabel(labels, i);
            float p = probabilities[i];
            if (!(p >= 0f && p <= 1f)) {
                throw new IllegalArgumentException("probability " + i + " is " + p + ", not in [0, 1]");
            }
            int bin = Math.min(bins - 1, (int) (p * bins));
            predicted[bin] += p;
            observed[bin] += labels[i];
        }
        double error = 0;
        for (int b = 0; b < bins; b++) {
            error += Math.abs(observed[b] - predicted[b]);
        }
        return error / probabilities.length;
    }

    /**
     * The rows in ascending order of score, each as its score's sortable bits (the high half: equal scores, -0 and 0
     * included, have equal halves) and its row (the low half); sorting primitives keeps 1M rows fast.
     *
     * @throws IllegalArgumentException if a score is NaN
     */
    static long[] scoreOrder(float[] scores) {
        long[] order = new long[scores.length];
        for (int i = 0; i < scores.length; i++) {
            if (Float.isNaN(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
            order[i] = ((long) sortableBits(scores[i]) << 32) | i;
        }
        Arrays.sort(order);
        return order;
    }

    /** Maps float bits so that signed int order equals float order (and -0 equals +0). */
    private static int sortableBits(float score) {
        int bits = Float.floatToIntBits(score == 0f ? 0f : score);
        return bits >= 0 ? bits : bits ^ 0x7fffffff;
    }

    static void checkLengths(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("lengths differ: " + a + " vs " + b);
        }
    }

    static void checkLabel(float[] labels, int i) {
        if (labels[i] != 0f && labels[i] != 1f) {
            throw new IllegalArgumentException("label " + i + " is " + labels[i] + ", not 0 or 1");
        }
    }
}
