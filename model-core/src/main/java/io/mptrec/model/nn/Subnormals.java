package io.mptrec.model.nn;

import java.nio.ByteOrder;
import java.nio.IntBuffer;
import org.nd4j.linalg.api.buffer.DataType;
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

    /** A float's exponent bits: all zero for zero and the subnormals. */
    private static final int EXPONENT = 0x7F800000;
    /** Every bit but the sign: zero only for +0 and -0. */
    private static final int MAGNITUDE = 0x7FFFFFFF;

    private Subnormals() {
    }

    /**
     * Sets every subnormal value of {@code a} to zero, in place. A float array that owns its whole buffer (the
     * optimizer's parameters and moments, after every step) is read and written in place through the buffer's memory:
     * this loop instead of ND4J's conditional replace made Census pretraining's epochs about 13 % shorter, with the
     * same weights bit for bit (BENCHMARKS.md). Any other array (a view, another type) takes the conditional replace.
     */
    public static void flush(INDArray a) {
        if (a.dataType() == DataType.FLOAT && !a.isView() && a.offset() == 0 && a.data().length() == a.length()) {
            IntBuffer bits = a.data().asNio().order(ByteOrder.nativeOrder()).asIntBuffer();
            for (int i = 0, n = (int) a.length(); i < n; i++) {
                if (isSubnormal(bits.get(i))) {
                    bits.put(i, 0); // +0, as the replace below writes
                }
            }
            return;
        }
        BooleanIndexing.replaceWhere(a, 0.0, Conditions.absLessThan(Float.MIN_NORMAL));
    }

    /** A copy of {@code values} with every subnormal value zero. */
    public static float[] flushed(float[] values) {
        float[] copy = values.clone();
        for (int i = 0; i < copy.length; i++) {
            if (isSubnormal(Float.floatToRawIntBits(copy[i]))) {
                copy[i] = 0;
            }
        }
        return copy;
    }

    /** Whether a float, given by its bits, is subnormal: exponent bits all zero, and not +0 or -0. */
    private static boolean isSubnormal(int bits) {
        return (bits & EXPONENT) == 0 && (bits & MAGNITUDE) != 0;
    }
}
