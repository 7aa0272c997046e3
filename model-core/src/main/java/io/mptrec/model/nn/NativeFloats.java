package io.mptrec.model.nn;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The native memory of a dense ND4J float array as a Java buffer, for element-wise loops in Java: ND4J's operations
 * cost tens of microseconds each whatever their size, which at a training step's sizes is more than the arithmetic
 * (model-core/BENCHMARKS.md). A loop copies a chunk at a time into heap arrays, which the JIT vectorises, where it
 * would not vectorise reads of the buffer itself. The caller keeps the array reachable while it uses the buffer.
 */
public final class NativeFloats {

    /** Values per chunk of a loop: a few chunks fit in a core's L1 cache. */
    public static final int CHUNK = 1024;

    private NativeFloats() {
    }

    /** Whether the array's values lie one after another (in its own order, c or f) as 32-bit floats. */
    public static boolean dense(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.elementWiseStride() == 1;
    }

    /** The array's values in its own order; throws for an array that is not {@link #dense}. */
    public static FloatBuffer of(INDArray a) {
        // a view's data buffer starts at the view's first element (ND4J 1.0.0-M2.1)
        return requireDense(a).data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().limit((int) a.length());
    }

    /** The array, when it is {@link #dense}; else an IllegalArgumentException. */
    static INDArray requireDense(INDArray a) {
        if (!dense(a)) {
            throw new IllegalArgumentException("expected a dense float array, was " + a.shapeInfoToString());
        }
        return a;
    }

    /** The array itself when it is a dense row-major (c-order) float array, else a row-major copy of it. */
    public static INDArray rowMajor(INDArray a) {
        return dense(a) && a.ordering() == 'c' ? a : a.dup('c');
    }

    /** The array's values as their IEEE 754 bits, for loops that select values without a branch. */
    static IntBuffer bits(INDArray a) {
        return requireDense(a).data().asNio().order(ByteOrder.nativeOrder()).asIntBuffer().limit((int) a.length());
    }
}
