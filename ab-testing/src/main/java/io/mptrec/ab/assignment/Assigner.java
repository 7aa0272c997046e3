package io.mptrec.ab.assignment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Deterministic, sticky assignment of units to arms; implements {@code spec/assignment.md}.
 * Thread-safe: the only state is one {@link MessageDigest} per thread.
 */
public final class Assigner {

    public static final int HASH_VERSION_1 = 1;
    public static final int BUCKETS = 10_000;

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    });

    /**
     * Assigns a unit. Empty when the hash version is unknown (fail closed) or the unit falls outside the ramp.
     *
     * @throws IllegalArgumentException if {@code unitId} is null, empty or not well-formed Unicode
     */
    public Optional<Assignment> assign(Allocation allocation, String unitId) {
        requireValidUnitId(unitId);
        if (allocation.hashVersion() != HASH_VERSION_1) {
            return Optional.empty();
        }
        int inclusionBucket = bucketOf(allocation.salt() + ":inclusion:" + unitId);
        if (inclusionBucket >= threshold(allocation.ramp())) {
            return Optional.empty();
        }
        int bucket = bucketOf(allocation.salt() + ":" + unitId);
        int armIndex = armIndexFor(allocation.arms(), bucket);
        return Optional.of(new Assignment(allocation.arms().get(armIndex).name(), armIndex, bucket,
                inclusionBucket, HASH_VERSION_1));
    }

    /** First 8 bytes of SHA-256 over the UTF-8 bytes, as an unsigned 64-bit value held in a long. */
    public static long hash64(String input) {
        byte[] digest = SHA_256.get().digest(input.getBytes(StandardCharsets.UTF_8));
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (digest[i] & 0xFF);
        }
        return value;
    }

    /** hash64 for the given version; empty for unknown versions. */
    public static Optional<Long> hash(int hashVersion, String input) {
        return hashVersion == HASH_VERSION_1 ? Optional.of(hash64(input)) : Optional.empty();
    }

    /** Arm bucket of a unit: {@code hash64(salt + ":" + unitId) mod 10000}; empty for unknown versions. */
    public static OptionalInt bucket(int hashVersion, String salt, String unitId) {
        requireValidUnitId(unitId);
        return hashVersion == HASH_VERSION_1 ? OptionalInt.of(bucketOf(salt + ":" + unitId)) : OptionalInt.empty();
    }

    /** Inclusion bucket of a unit: {@code hash64(salt + ":inclusion:" + unitId) mod 10000}. */
    public static OptionalInt inclusionBucket(int hashVersion, String salt, String unitId) {
        requireValidUnitId(unitId);
        return hashVersion == HASH_VERSION_1
                ? OptionalInt.of(bucketOf(salt + ":inclusion:" + unitId)) : OptionalInt.empty();
    }

    private static int bucketOf(String input) {
        return (int) Long.remainderUnsigned(hash64(input), BUCKETS);
    }

    /** Spec rounding: floor(x + 0.5) in double (not Math.round, whose edge cases differ from other languages). */
    static int round(double x) {
        return (int) Math.floor(x + 0.5);
    }

    static int threshold(double ramp) {
        return round(ramp * BUCKETS);
    }

    static int rangeEnd(double cumulativeWeight, boolean last) {
        // The last arm ends at exactly 10000, so weights summing to 1 +- 1e-9 never leave a bucket unowned.
        return last ? BUCKETS : Math.min(BUCKETS, round(cumulativeWeight * BUCKETS));
    }

    // Walks the cumulative weights without allocating; same arithmetic as Allocation.bucketRanges().
    private static int armIndexFor(List<Arm> arms, int bucket) {
        double cumulative = 0;
        int last = arms.size() - 1;
        for (int i = 0; i < last; i++) {
            cumulative += arms.get(i).weight();
            if (bucket < rangeEnd(cumulative, false)) {
                return i;
            }
        }
        return last;
    }

    private static void requireValidUnitId(String unitId) {
        if (unitId == null || unitId.isEmpty()) {
            throw new IllegalArgumentException("unitId: must not be null or empty");
        }
        // Unpaired surrogates would be silently encoded as '?', merging distinct ids into one unit.
        for (int i = 0; i < unitId.length(); i++) {
            char c = unitId.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= unitId.length() || !Character.isLowSurrogate(unitId.charAt(i + 1))) {
                    throw new IllegalArgumentException("unitId: unpaired surrogate at index " + i);
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new IllegalArgumentException("unitId: unpaired surrogate at index " + i);
            }
        }
    }
}
