package io.mptrec.model.metrics;

import java.util.List;

/**
 * How far the test rows' sampling alone could move a difference of AUCs measured on the same rows: DeLong, DeLong and
 * Clarke-Pearson, "Comparing the Areas under Two or More Correlated Receiver Operating Characteristic Curves: A
 * Nonparametric Approach", Biometrics 44 (1988). Each score vector gives every positive the share of negatives it
 * outranks and every negative the share of positives that outrank it (its placements; their mean is the AUC); any
 * linear contrast of AUCs on the same rows is then the mean of the contrast of the placements, and its variance is
 * their sample variance over the positives / m plus over the negatives / n. Used here for the mean AUC of one model
 * over its seeds against another's, paired by row: the seeds and models share the test rows, so their errors are
 * correlated, and an interval that treated them as independent would be too wide.
 */
public final class PairedAuc {

    /** The two-sided 95 % quantile of the normal distribution. */
    static final double Z95 = 1.959963984540054;

    private PairedAuc() {
    }

    /**
     * The mean AUC of {@code a}'s score vectors less the mean AUC of {@code b}'s, with its 95 % interval over the
     * sampling of the rows.
     *
     * @param labels the rows' labels, 0 or 1, both classes present
     * @param a      one or more score vectors on those rows (a model's seeds)
     * @param b      one or more score vectors on the same rows (another model's seeds)
     */
    public static Difference meanDifference(float[] labels, List<float[]> a, List<float[]> b) {
        if (a.isEmpty() || b.isEmpty()) {
            throw new IllegalArgumentException("each side needs at least one score vector, got " + a.size() + " and "
                    + b.size());
        }
        int positives = 0;
        for (int i = 0; i < labels.length; i++) {
            BinaryMetrics.checkLabel(labels, i);
            positives += labels[i] == 1f ? 1 : 0;
        }
        int negatives = labels.length - positives;
        if (positives < 2 || negatives < 2) {
            throw new IllegalArgumentException("an interval needs at least two rows of each class, found " + positives
                    + " positives and " + negatives + " negatives");
        }
        double[] positivePlacements = new double[positives];
        double[] negativePlacements = new double[negatives];
        addPlacements(labels, a, 1.0 / a.size(), positivePlacements, negativePlacements);
        addPlacements(labels, b, -1.0 / b.size(), positivePlacements, negativePlacements);
        double difference = mean(positivePlacements);
        double variance = sampleVariance(positivePlacements) / positives
                + sampleVariance(negativePlacements) / negatives;
        double halfWidth = Z95 * Math.sqrt(variance);
        return new Difference(difference, difference - halfWidth, difference + halfWidth, labels.length, positives);
    }

    /**
     * @param difference the mean AUC of one side less the other's
     * @param low        the lower end of its 95 % interval over the rows' sampling; {@code high} the upper
     * @param rows       the rows both sides were scored on, {@code positives} of them positive
     */
    public record Difference(double difference, double low, double high, int rows, int positives) {

        /** Whether the rows tell the two sides apart: the interval leaves out no difference. */
        public boolean separated() {
            return low > 0 || high < 0;
        }
    }

    /** Adds {@code weight} x each score vector's placements, positives and negatives in row order. */
    private static void addPlacements(float[] labels, List<float[]> vectors, double weight, double[] positive,
                                      double[] negative) {
        int n = labels.length;
        int[] rank = classIndex(labels);
        for (float[] scores : vectors) {
            BinaryMetrics.checkLengths(scores.length, n);
            long[] order = BinaryMetrics.scoreOrder(scores);
            int m = positive.length;
            int negativesBelow = 0;
            int positivesBelow = 0;
            int start = 0;
            while (start < n) {
                int end = start;
                int bits = (int) (order[start] >>> 32);
                int tiedPositives = 0;
                while (end < n && (int) (order[end] >>> 32) == bits) {
                    tiedPositives += labels[(int) order[end]] == 1f ? 1 : 0;
                    end++;
                }
                int tiedNegatives = end - start - tiedPositives;
                // a tie counts one half, as in BinaryMetrics.auc
                double positiveShare = (negativesBelow + 0.5 * tiedNegatives) / negative.length;
                double negativeShare = (m - positivesBelow - tiedPositives + 0.5 * tiedPositives) / m;
                for (int k = start; k < end; k++) {
                    int row = (int) order[k];
                    if (labels[row] == 1f) {
                        positive[rank[row]] += weight * positiveShare;
                    } else {
                        negative[rank[row]] += weight * negativeShare;
                    }
                }
                negativesBelow += tiedNegatives;
                positivesBelow += tiedPositives;
                start = end;
            }
        }
    }

    /** Each row's index among the rows of its class. */
    private static int[] classIndex(float[] labels) {
        int[] index = new int[labels.length];
        int positives = 0;
        int negatives = 0;
        for (int i = 0; i < labels.length; i++) {
            index[i] = labels[i] == 1f ? positives++ : negatives++;
        }
        return index;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double sampleVariance(double[] values) {
        double mean = mean(values);
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return sum / (values.length - 1);
    }
}
