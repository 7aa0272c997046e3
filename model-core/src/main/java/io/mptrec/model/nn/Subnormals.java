package io.mptrec.model.nn;

/**
 * Subnormal floats (non-zero, below {@link Float#MIN_NORMAL} in magnitude) become zero wherever they would enter
 * arithmetic. Training left many: the bundled encoders, trained before this, hold 17 % (Census) and 38 % (KuaiRand) of
 * their expert weights there, weights whose gradients had faded. On Intel processors every multiply-add with a
 * subnormal operand takes a microcode assist: measured on this project's 2-core Xeon, an sgemm of 256 x 166 x 256 with
 * half its weights subnormal took 141 times as long as with them zero, a Java dot-product loop 47 times
 * (model-core/BENCHMARKS.md). Their effect on any sum they enter is below the rounding of a normal float, so zero
 * changes no output that a normal term reaches.
 */
public final class Subnormals {

    /** A float's exponent bits: all zero for zero and the subnormals. */
    private static final int EXPONENT = 0x7F800000;
    /** Every bit but the sign: zero only for +0 and -0. */
    private static final int MAGNITUDE = 0x7FFFFFFF;

    private Subnormals() {
    }

    /** A copy of {@code values} with every subnormal value zero. */
    public static float[] flushed(float[] values) {
        float[] copy = values.clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = flushed(copy[i]);
        }
        return copy;
    }

    /** {@code value}, or +0 if it is subnormal. */
    public static float flushed(float value) {
        return isSubnormal(Float.floatToRawIntBits(value)) ? 0f : value;
    }

    /** Whether a float, given by its bits, is subnormal: exponent bits all zero, and not +0 or -0. */
    private static boolean isSubnormal(int bits) {
        return (bits & EXPONENT) == 0 && (bits & MAGNITUDE) != 0;
    }
}
