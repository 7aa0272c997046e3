package io.mptrec.ab.statistics;

/**
 * A two-sided interval [lower, upper] at a confidence level (e.g. 0.95).
 */
public record ConfidenceInterval(double lower, double upper, double level) {

    public ConfidenceInterval {
        if (!(lower <= upper)) {
            throw new IllegalArgumentException("lower: " + lower + " must be <= upper " + upper);
        }
        Checks.level(level);
    }

    public boolean contains(double value) {
        return lower <= value && value <= upper;
    }

    public boolean excludes(double value) {
        return !contains(value);
    }

    public double width() {
        return upper - lower;
    }
}
