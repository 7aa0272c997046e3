package io.mptrec.ab.events;

/**
 * The score bins online model quality is kept in on the Kafka path, as SQL over a score column p: equally wide in
 * logit(p) between -16 and 16, 256 to a unit of logit (p about 0.1 % apart near 0.5, relatively closer in the
 * tails), the tails beyond in the end bins. An AUC read from the bins counts two scores in one bin as a tie, so it
 * differs from the exact one by at most half the share of positive-negative pairs that share a bin.
 */
public final class ScoreBins {

    public static final int BINS = 8192;

    private static final int PER_LOGIT = 256;

    private static final String CLIPPED = "LEAST(GREATEST(%s, CAST(1e-15 AS DOUBLE PRECISION)), "
            + "CAST(1 - 1e-15 AS DOUBLE PRECISION))";

    private ScoreBins() {
    }

    /** The bin of the score column {@code p}, from 0 to {@link #BINS} - 1 in increasing order of score. */
    public static String bin(String p) {
        return "CAST(LEAST(" + (BINS - 1) + ", GREATEST(0, FLOOR((LN(" + clipped(p) + " / (1 - " + clipped(p)
                + ")) + " + BINS / PER_LOGIT / 2 + ") * " + PER_LOGIT + "))) AS INTEGER)";
    }

    /** -ln(1 - p), p clipped as the log loss clips it: the exposure's log loss were its outcome negative. */
    static String lossIfNegative(String p) {
        return "CAST(-LN(1 - " + clipped(p) + ") AS NUMERIC)";
    }

    /** ln(1 - p) - ln(p): what a positive outcome changes in the exposure's log loss. */
    static String lossChangeIfPositive(String p) {
        return "CAST(LN(1 - " + clipped(p) + ") - LN(" + clipped(p) + ") AS NUMERIC)";
    }

    private static String clipped(String p) {
        return String.format(CLIPPED, p);
    }
}
