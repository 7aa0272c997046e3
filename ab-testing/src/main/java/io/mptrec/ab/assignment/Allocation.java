package io.mptrec.ab.assignment;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the assignment algorithm needs to know about an experiment. Validated when built, so an
 * invalid allocation never reaches {@link Assigner}: bad weights are rejected, never replaced.
 *
 * @param salt        per-experiment salt (usually the experiment key); may be empty
 * @param hashVersion assignment algorithm version; only {@link Assigner#HASH_VERSION_1} is defined,
 *                    other values are accepted here and fail closed at assignment time
 * @param arms        at least two arms, names unique, weights summing to 1 within {@link #WEIGHT_TOLERANCE}
 * @param ramp        fraction in [0, 1] of units that take part at all
 */
public record Allocation(String salt, int hashVersion, List<Arm> arms, double ramp) {

    public static final double WEIGHT_TOLERANCE = 1e-9;

    public Allocation {
        if (salt == null) {
            throw new IllegalArgumentException("salt: must not be null");
        }
        if (arms == null || arms.size() < 2) {
            throw new IllegalArgumentException("arms: an experiment needs at least 2 arms, got "
                    + (arms == null ? 0 : arms.size()));
        }
        arms = List.copyOf(arms);
        Set<String> names = new HashSet<>();
        double sum = 0;
        for (Arm arm : arms) {
            Objects.requireNonNull(arm, "arms: null arm");
            if (!names.add(arm.name())) {
                throw new IllegalArgumentException("name: duplicate arm name '" + arm.name() + "'");
            }
            sum += arm.weight();
        }
        if (Math.abs(sum - 1.0) > WEIGHT_TOLERANCE) {
            throw new IllegalArgumentException("weight: arm weights sum to " + sum + ", must sum to 1");
        }
        if (Double.isNaN(ramp) || ramp < 0 || ramp > 1) {
            throw new IllegalArgumentException("ramp: must be in [0, 1], got " + ramp);
        }
    }

    /** The same experiment at another ramp step (arms and salt unchanged, so no unit moves). */
    public Allocation withRamp(double newRamp) {
        return new Allocation(salt, hashVersion, arms, newRamp);
    }

    /**
     * Bucket range [start, end) per arm, as the spec defines them.
     */
    public List<BucketRange> bucketRanges() {
        BucketRange[] ranges = new BucketRange[arms.size()];
        int start = 0;
        double cumulative = 0;
        for (int i = 0; i < ranges.length; i++) {
            cumulative += arms.get(i).weight();
            int end = Assigner.rangeEnd(cumulative, i == ranges.length - 1);
            ranges[i] = new BucketRange(start, end);
            start = end;
        }
        return List.of(ranges);
    }

    /** Half-open range of buckets owned by one arm; empty when start == end. */
    public record BucketRange(int start, int end) {
    }
}
