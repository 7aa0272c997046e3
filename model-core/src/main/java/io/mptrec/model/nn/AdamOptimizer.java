package io.mptrec.model.nn;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam over the whole flat parameter buffer, in Java, a chunk at a time over the parameters', gradients' and moments'
 * memory: each value's moments, its update and the update's subtraction, then the subnormal flush ({@link Subnormals}).
 * This replaced ND4J's Adam op followed by a subtraction and two flushes, four passes and their native calls
 * (BENCHMARKS.md); it does ND4J's float arithmetic in ND4J's order, so the weights are the same bit for bit as ND4J's
 * given the same gradients with those below {@link #TINY_GRADIENT} zero (AdamOptimizerTests).
 */
public final class AdamOptimizer {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-7f;

    /** The bias correction's powers are computed for this many iterations at a time. */
    private static final int POWER_BLOCK = 1024;

    private static final int CHUNK = NativeFloats.CHUNK;
    /**
     * Gradients below this magnitude enter Adam as zero. Their squares and their products with the moments' factors are
     * subnormal, and on Intel processors each such operation takes a microcode assist: KuaiRand's epochs grew from 6 s
     * to 38 s by the fifth as gradients faded, and Census `pretrain` took 231 s instead of 39 (BENCHMARKS.md). Dropping
     * them moves no weight above about 1e-5 by as much as a rounding step: with only such gradients Adam's update is
     * at most lr * 2^-56 / epsilon, about 4e-13 at lr 3e-3.
     */
    static final float TINY_GRADIENT = 0x1p-56f;
    /** {@link #TINY_GRADIENT}'s exponent bits: a float whose exponent bits are below them is smaller. */
    private static final int TINY_GRADIENT_EXPONENT = Float.floatToRawIntBits(TINY_GRADIENT);

    private final Parameters parameters;
    /** Adam's first moments, then its second moments, in native memory as the parameters are. */
    private final INDArray moments;
    private final int count;
    private final float learningRate;
    private int iteration;
    private int powersFrom = -1;
    private float[] beta1Powers;
    private float[] beta2Powers;
    private final float[] g = new float[CHUNK];
    private final float[] p = new float[CHUNK];
    private final float[] m = new float[CHUNK];
    private final float[] v = new float[CHUNK];

    public AdamOptimizer(Parameters parameters, double learningRate) {
        this.parameters = parameters;
        this.count = Math.toIntExact(parameters.count());
        this.moments = Nd4j.zeros(DataType.FLOAT, 2L * count);
        this.learningRate = (float) learningRate;
    }

    /** The memory of a float array that owns its whole buffer, as floats. */
    private static FloatBuffer floats(INDArray a) {
        if (a.isView() || a.offset() != 0 || a.data().length() != a.length()) {
            throw new IllegalArgumentException("Adam needs float arrays that own their buffer, got " + a.shapeInfoToString());
        }
        return NativeFloats.of(a);
    }

    /**
     * Turns the accumulated gradients into Adam's update and applies it; then no parameter and no moment is left
     * subnormal ({@link Subnormals}), so no later step multiplies one. The gradients are left as they were.
     */
    public void step() {
        // buffers over the arrays' memory, taken while this method holds the arrays, so that none is freed under them
        FloatBuffer values = floats(parameters.values());
        FloatBuffer gradients = floats(parameters.gradients());
        FloatBuffer allMoments = floats(moments);
        FloatBuffer firstMoment = allMoments.slice(0, count);
        FloatBuffer secondMoment = allMoments.slice(count, count);
        float stepSize = stepSize();
        // a chunk at a time through heap arrays, so that the loop reads plain arrays, not native memory
        for (int from = 0; from < count; from += CHUNK) {
            int n = Math.min(CHUNK, count - from);
            gradients.get(from, g, 0, n);
            values.get(from, p, 0, n);
            firstMoment.get(from, m, 0, n);
            secondMoment.get(from, v, 0, n);
            // the arithmetic without a branch, so that the JIT vectorises it (about half the time, with or without the
            // subnormal gradients of late training, where each scalar operation on one takes a microcode assist);
            // then the flushes
            // gradients below TINY_GRADIENT become zero, without a branch (the sign of exponent bits minus the
            // threshold's is the mask), so that the JIT vectorises it
            for (int i = 0; i < n; i++) {
                int bits = Float.floatToRawIntBits(g[i]);
                g[i] = Float.intBitsToFloat(bits & ~(((bits & 0x7F800000) - TINY_GRADIENT_EXPONENT) >> 31));
            }
            for (int i = 0; i < n; i++) {
                float mi = BETA1 * m[i] + g[i] * (1 - BETA1);
                float vi = BETA2 * v[i] + g[i] * g[i] * (1 - BETA2);
                p[i] = p[i] - (mi * stepSize) / ((float) Math.sqrt(vi) + EPSILON);
                m[i] = mi;
                v[i] = vi;
            }
            for (int i = 0; i < n; i++) {
                p[i] = Subnormals.flushed(p[i]);
                m[i] = Subnormals.flushed(m[i]);
                v[i] = Subnormals.flushed(v[i]);
            }
            values.put(from, p, 0, n);
            firstMoment.put(from, m, 0, n);
            secondMoment.put(from, v, 0, n);
        }
        iteration++;
    }

    /**
     * The bias-corrected step size, lr * sqrt(1 - beta2^t) / (1 - beta1^t) at t = iteration + 1, rounded where ND4J's
     * Adam op rounds it: in float but for the division, in double.
     */
    private float stepSize() {
        int t = iteration + 1;
        if (powersFrom < 0 || t >= powersFrom + POWER_BLOCK) {
            powersFrom = t;
            beta1Powers = powers(BETA1, t);
            beta2Powers = powers(BETA2, t);
        }
        float root = (float) Math.sqrt((float) (1.0 - beta2Powers[t - powersFrom]));
        float size = (float) ((learningRate * root) / (1.0 - beta1Powers[t - powersFrom]));
        return Float.isNaN(size) || Float.isInfinite(size) || size == 0 ? EPSILON : size;
    }

    /**
     * beta^t for {@link #POWER_BLOCK} exponents from t, by ND4J's float power, the function its Adam op calls: Java's
     * {@code Math.pow} rounded to float differs from it by an ulp now and then (0.9^685).
     */
    private static float[] powers(float beta, int from) {
        float[] exponents = new float[POWER_BLOCK];
        for (int i = 0; i < POWER_BLOCK; i++) {
            exponents[i] = from + i;
        }
        return Transforms.pow(Nd4j.valueArrayOf(new long[] {POWER_BLOCK}, beta), Nd4j.create(exponents), false)
                .toFloatVector();
    }
}
