package io.mptrec.model.nn;

import java.lang.ref.Reference;
import java.nio.IntBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The element-wise functions of the network and their derivatives, in place where that is safe. */
public final class Activations {

    /** Each thread's two chunks of {@link #reluBackward}'s loop. */
    private static final ThreadLocal<int[][]> RELU_CHUNKS =
            ThreadLocal.withInitial(() -> new int[2][NativeFloats.CHUNK]);

    private Activations() {
    }

    /**
     * max(x, 0) in place, as ND4J's relu gives it (a value below zero becomes +0; -0 and NaN stay), in a loop in Java
     * over the floats' bits: ND4J's operation registered two arrays with its deallocator at every call
     * (model-core/BENCHMARKS.md). An array that is not dense goes to ND4J's.
     */
    public static INDArray relu(INDArray x) {
        if (!NativeFloats.dense(x)) {
            return Transforms.relu(x, false);
        }
        IntBuffer values = NativeFloats.bits(x);
        int[] chunk = RELU_CHUNKS.get()[0];
        int length = (int) x.length();
        for (int from = 0; from < length; from += NativeFloats.CHUNK) {
            int n = Math.min(NativeFloats.CHUNK, length - from);
            values.get(from, chunk, 0, n);
            for (int i = 0; i < n; i++) {
                int b = chunk[i];
                // all ones below zero: the sign bit set, and neither -0 (its bits less the sign are 0) nor a NaN (its
                // magnitude's bits are above +Inf's)
                int negativeZero = b ^ Integer.MIN_VALUE;
                int below = (b >> 31) & ((negativeZero | -negativeZero) >> 31) & (((b & 0x7FFFFFFF) - 0x7F800001) >> 31);
                chunk[i] = b & ~below;
            }
            values.put(from, chunk, 0, n);
        }
        Reference.reachabilityFence(x);
        return x;
    }

    /** dL/dx of y = relu(x), given y: the gradient passes where the unit was active. */
    public static INDArray reluBackward(INDArray output, INDArray outputGradient) {
        if (!Arrays.equals(output.shape(), outputGradient.shape())) {
            throw new IllegalArgumentException("ReLU's output " + output.shapeInfoToString() + " and its gradient "
                    + outputGradient.shapeInfoToString() + " differ in shape");
        }
        INDArray y = NativeFloats.rowMajor(output);
        INDArray dy = NativeFloats.rowMajor(outputGradient);
        // a loop in Java: as two ND4J operations (y's unit step, times dy) it took 30-45 microseconds at 256 x 32 to
        // 256 x 128. It works on the floats' bits, without a branch: a branch on y > 0 is mispredicted half the time
        // and made the loop slower than the ND4J operations; this form the JIT vectorises
        INDArray dx = y.rank() == 2 ? StepWorkspace.uninitialized(y.rows(), y.columns())
                : Nd4j.createUninitialized(DataType.FLOAT, y.shape(), y.ordering());
        IntBuffer ys = NativeFloats.bits(y);
        IntBuffer dys = NativeFloats.bits(dy);
        IntBuffer dxs = NativeFloats.bits(dx);
        int[][] chunk = RELU_CHUNKS.get();
        int[] active = chunk[0];
        int[] gradient = chunk[1];
        int length = (int) y.length();
        for (int from = 0; from < length; from += NativeFloats.CHUNK) {
            int n = Math.min(NativeFloats.CHUNK, length - from);
            ys.get(from, active, 0, n);
            dys.get(from, gradient, 0, n);
            for (int i = 0; i < n; i++) {
                // all ones where y > 0 (sign bit clear and not zero: then -y and ~y both have the sign bit set), else
                // zero, as ND4J's unit step (for +0, -0 and negative values; a NaN y passes dy here, where it gave 0)
                int a = active[i];
                gradient[i] &= (-a & ~a) >> 31;
            }
            dxs.put(from, gradient, 0, n);
        }
        Reference.reachabilityFence(y);
        Reference.reachabilityFence(dy);
        return dx;
    }

    /** Each thread's context for {@link #softmaxRows}: a new one per operation registered itself with ND4J. */
    private static final ThreadLocal<OpContext> SOFTMAX_CONTEXT =
            ThreadLocal.withInitial(() -> Nd4j.getExecutioner().buildContext());

    /**
     * Row-wise softmax by ND4J's kernel, into a matrix of the running step's ({@link StepWorkspace#uninitialized})
     * through the thread's own operation context: ND4J made and registered the output and a context at every call.
     * ND4J's kernel stays: its exponential is not Java's to the last bit (a Java loop differed in a few values in a
     * thousand).
     */
    public static INDArray softmaxRows(INDArray logits) {
        INDArray out = logits.rank() == 2 ? StepWorkspace.uninitialized(logits.rows(), logits.columns())
                : logits.ulike();
        OpContext context = SOFTMAX_CONTEXT.get();
        context.setInputArray(0, logits);
        context.setOutputArray(0, out);
        context.setIArguments(1);
        Nd4j.getExecutioner().exec(new SoftMax(logits, out, 1), context);
        context.purge();
        return out;
    }

    /**
     * dL/dlogits of p = softmax(logits) per row: p * (dp - sum(p * dp)), in Java into a matrix of the running step's.
     * The same arithmetic in the same order as ND4J's operations (the products, their sum from 0 along the row, the
     * difference, the product), which made and registered about ten arrays a call.
     */
    public static INDArray softmaxRowsBackward(INDArray p, INDArray dp) {
        return NativeFloats.mapRows(dp, p, (r, gradient, probabilities) -> {
            float dot = 0f;
            for (int j = 0; j < gradient.length; j++) {
                dot += probabilities[j] * gradient[j];
            }
            for (int j = 0; j < gradient.length; j++) {
                gradient[j] = (gradient[j] - dot) * probabilities[j];
            }
        });
    }

    public static INDArray sigmoid(INDArray x) {
        return Transforms.sigmoid(x, true);
    }
}
