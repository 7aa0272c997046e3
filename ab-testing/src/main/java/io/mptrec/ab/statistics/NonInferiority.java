package io.mptrec.ab.statistics;

/**
 * Guardrail check: is the treatment no worse than control by more than a margin?
 * Reads an always-valid interval for the difference (treatment - control), so it may run at every look.
 *
 * <p>With delta the margin on the difference scale (absolute, or relative * |control mean|):
 * <ul>
 *   <li>higher is better: PASS if lower bound > -delta; FAIL if upper bound < -delta;</li>
 *   <li>lower is better: PASS if upper bound < +delta; FAIL if lower bound > +delta;</li>
 *   <li>otherwise INCONCLUSIVE.</li>
 * </ul>
 * FAIL therefore means "confidently worse by more than the margin", the breach that rolls back; a merely
 * significant small harm inside the margin is tolerated by design. A relative margin uses the observed control
 * mean as if it were known (plug-in), fine at experiment sizes.
 */
public final class NonInferiority {

    public enum Direction { HIGHER_IS_BETTER, LOWER_IS_BETTER }

    public enum MarginType { ABSOLUTE, RELATIVE }

    public enum Outcome { PASS, FAIL, INCONCLUSIVE }

    /** A margin >= 0, e.g. (0.01, RELATIVE) for "at most 1% worse". */
    public record Margin(double value, MarginType type) {

        public Margin {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("margin: must be finite and >= 0, got " + value);
            }
        }

        double absolute(double controlMean) {
            return type == MarginType.ABSOLUTE ? value : value * Math.abs(controlMean);
        }
    }

    /**
     * @param outcome        PASS / FAIL / INCONCLUSIVE
     * @param absoluteMargin margin used on the difference scale
     * @param interval       the interval it was judged on
     */
    public record Result(Outcome outcome, double absoluteMargin, ConfidenceInterval interval) {
    }

    private NonInferiority() {
    }

    public static Result check(SequentialTest.Result sequential, Margin margin, Direction direction) {
        return check(sequential.interval(), sequential.controlMean(), margin, direction);
    }

    public static Result check(ConfidenceInterval difference, double controlMean, Margin margin, Direction direction) {
        double delta = margin.absolute(controlMean);
        Outcome outcome;
        if (direction == Direction.HIGHER_IS_BETTER) {
            outcome = difference.lower() > -delta ? Outcome.PASS
                    : difference.upper() < -delta ? Outcome.FAIL : Outcome.INCONCLUSIVE;
        } else {
            outcome = difference.upper() < delta ? Outcome.PASS
                    : difference.lower() > delta ? Outcome.FAIL : Outcome.INCONCLUSIVE;
        }
        return new Result(outcome, delta, difference);
    }
}
