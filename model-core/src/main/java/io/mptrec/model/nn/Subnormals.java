package io.mptrec.model.nn;

/**
 * Subnormal floats (non-zero, below {@link Float#MIN_NORMAL} in magnitude) become zero wherever they would enter
 * arithmetic. Training left many: the bundled encoders, trained before this, hold 17 % (Census) and 38 % (KuaiRand) of
 * their expert weights there, weights whose gradients had faded. On Intel processors every multiply-add with a
 * subnormal operand takes a microcode assist: measured on this project's 2-core Xeon, an sgemm of 256 x 166 x 256 with
 * half its weights subnormal took 141 times as long as with them zero, a Java dot-product loop 47 times
 * (model-core/BENCHMARKS.md). Their effect on any sum they enter is below the rounding of a normal float, so zero
 * changes no output that a normal term reaches.
 *
 * <p>Arrays read from an artifact to compute with (the serving kernel, the ND4J heads, the ONNX export) go further
 * ({@link #negligibleFlushed}): a tiny normal weight costs as much as a subnormal one wherever its product with an
 * input is subnormal. The bundled encoders hold many between 2^-126 and 2^-100 (a quarter of some expert matrices),
 * and on the 2-core Xeon an sgemm of 100 rows through such a Census matrix took 2 to 5 times as long as through the
 * same matrix with them zero (model-core/BENCHMARKS.md).
 */
public final class Subnormals {

    /** A float's exponent bits: all zero for zero and the subnormals. */
    private static final int EXPONENT = 0x7F800000;
    /** Every bit but the sign: zero only for +0 and -0. */
    private static final int MAGNITUDE = 0x7FFFFFFF;

    /**
     * Below this magnitude a value read from an artifact computes as zero: its product with any input above 2^-62 is
     * normal, and what it adds to a sum is below 2^-64 times the input, about 2^-40 of a float's rounding step at the
     * input's scale.
     */
    public static final float NEGLIGIBLE = 0x1p-64f;

    private Subnormals() {
    }

    /** A copy of {@code values} with every value below {@link #NEGLIGIBLE} in magnitude zero, subnormals included. */
    public static float[] negligibleFlushed(float[] values) {
        float[] copy = values.clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = Math.abs(copy[i]) < NEGLIGIBLE ? 0f : copy[i];
        }
        return copy;
    }

    /**
     * {@link #flushed} over the bits of {@code n} floats, in place. A loop over ints that the JIT vectorises: the same
     * loop over floats reads each value's bits one at a time (Adam's flushes took three quarters of its step that way,
     * model-core/BENCHMARKS.md).
     */
    static void flushBits(int[] bits, int n) {
        for (int i = 0; i < n; i++) {
            int b = bits[i];
            // all ones where the exponent bits are zero (minus one is negative) and the magnitude is not (its negation
            // is negative): a subnormal; +0 in its place
            int subnormal = (((b & EXPONENT) - 1) >> 31) & (-(b & MAGNITUDE) >> 31);
            bits[i] = b & ~subnormal;
        }
    }

    /** {@code value}, or +0 if it is subnormal: {@link #flushBits}'s rule for one value, the tests' reference. */
    static float flushed(float value) {
        return isSubnormal(Float.floatToRawIntBits(value)) ? 0f : value;
    }

    /** Whether a float, given by its bits, is subnormal: exponent bits all zero, and not +0 or -0. */
    private static boolean isSubnormal(int bits) {
        return (bits & EXPONENT) == 0 && (bits & MAGNITUDE) != 0;
    }
}
