package io.mptrec.ab.statistics;

import org.apache.commons.math3.distribution.NormalDistribution;

/** Argument checks and the standard normal, shared by this package only. */
final class Checks {

    /** Standard normal; commons-math's default constructor would create an unseeded RNG we never use. */
    static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1,
            NormalDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY);

    private Checks() {
    }

    static void level(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level: confidence level must be in (0, 1), got " + level);
        }
    }

    static void alpha(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha: must be in (0, 1), got " + alpha);
        }
    }

    /** Two-sided critical value z_{1 - (1 - level)/2}. */
    static double zCritical(double level) {
        level(level);
        return STANDARD_NORMAL.inverseCumulativeProbability(1 - (1 - level) / 2);
    }

    /** Two-sided p-value of a z statistic, computed from the upper tail to keep precision for large |z|. */
    static double twoSidedP(double z) {
        if (Double.isNaN(z)) {
            return Double.NaN;
        }
        return Math.min(1.0, 2 * Checks.STANDARD_NORMAL.cumulativeProbability(-Math.abs(z)));
    }
}
