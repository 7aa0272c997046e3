package io.mptrec.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

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

    private Subnormals() {
    }

    /** Sets every subnormal value of {@code a} to zero, in place (one native pass). */
    public static void flush(INDArray a) {
        BooleanIndexing.replaceWhere(a, 0.0, Conditions.absLessThan(Float.MIN_NORMAL));
    }

    /** A copy of {@code values} with every subnormal value zero. */
    public static float[] flushed(float[] values) {
        float[] copy = values.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] != 0 && Math.abs(copy[i]) < Float.MIN_NORMAL) {
                copy[i] = 0;
            }
        }
        return copy;
    }
}
