package io.mptrec.model.nn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
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
    private final int[] bits = new int[CHUNK];
    /** A chunk of native memory seen as floats and as their bits: the way between the float and the int arrays. */
    private final ByteBuffer scratchBytes = ByteBuffer.allocateDirect(CHUNK * Float.BYTES).order(ByteOrder.nativeOrder());
    private final FloatBuffer scratch = scratchBytes.asFloatBuffer();
    private final IntBuffer scratchBits = scratchBytes.asIntBuffer();

    public AdamOptimizer(Parameters parameters, double learningRate) {
        this.parameters = parameters;
        this.count = Math.toIntExact(parameters.count());
        this.moments = Nd4j.zeros(DataType.FLOAT, 2L * count);
        this.learningRate = (float) learningRate;
    }

    /** A float array that owns its whole buffer (the parameters', gradients' and moments' flat arrays). */
    private static INDArray whole(INDArray a) {
        if (a.isView() || a.offset() != 0 || a.data().length() != a.length()) {
            throw new IllegalArgumentException("Adam needs float arrays that own their buffer, got " + a.shapeInfoToString());
        }
        return a;
    }

    /**
     * Turns the accumulated gradients into Adam's update and applies it; then no parameter and no moment is left
     * subnormal ({@link Subnormals}), so no later step multiplies one. The gradients are left as they were.
     */
    public void step() {
        // buffers over the arrays' memory, taken while this method holds the arrays, so that none is freed under them
        FloatBuffer values = NativeFloats.of(whole(parameters.values()));
        IntBuffer valueBits = NativeFloats.bits(parameters.values());
        IntBuffer gradientBits = NativeFloats.bits(whole(parameters.gradients()));
        FloatBuffer allMoments = NativeFloats.of(whole(moments));
        IntBuffer allMomentBits = NativeFloats.bits(moments);
        FloatBuffer firstMoment = allMoments.slice(0, count);
        FloatBuffer secondMoment = allMoments.slice(count, count);
        IntBuffer firstMomentBits = allMomentBits.slice(0, count);
        IntBuffer secondMomentBits = allMomentBits.slice(count, count);
        float stepSize = stepSize();
        // a chunk at a time through heap arrays, so that the loops read plain arrays, not native memory; the selections
        // by magnitude run on the floats' bits (int arrays, through the scratch buffer), which the JIT vectorises, and
        // the arithmetic on floats, without a branch, which it vectorises too
        for (int from = 0; from < count; from += CHUNK) {
            int n = Math.min(CHUNK, count - from);
            gradientBits.get(from, bits, 0, n);
            dropTinyGradients(bits, n);
            scratchBits.put(0, bits, 0, n);
            scratch.get(0, g, 0, n);
            values.get(from, p, 0, n);
            firstMoment.get(from, m, 0, n);
            secondMoment.get(from, v, 0, n);
            for (int i = 0; i < n; i++) {
                float mi = BETA1 * m[i] + g[i] * (1 - BETA1);
                float vi = BETA2 * v[i] + g[i] * g[i] * (1 - BETA2);
                p[i] = p[i] - (mi * stepSize) / ((float) Math.sqrt(vi) + EPSILON);
                m[i] = mi;
                v[i] = vi;
            }
            putFlushed(p, valueBits, from, n);
            putFlushed(m, firstMomentBits, from, n);
            putFlushed(v, secondMomentBits, from, n);
        }
        iteration++;
    }

    /** Gradients below {@link #TINY_GRADIENT} become +0 (the sign of exponent bits minus the threshold's is the mask). */
    private static void dropTinyGradients(int[] bits, int n) {
        for (int i = 0; i < n; i++) {
            int b = bits[i];
            bits[i] = b & ~(((b & 0x7F800000) - TINY_GRADIENT_EXPONENT) >> 31);
        }
    }

    /** Writes {@code n} values at {@code from} with subnormals made +0, by way of their bits. */
    private void putFlushed(float[] values, IntBuffer target, int from, int n) {
        scratch.put(0, values, 0, n);
        scratchBits.get(0, bits, 0, n);
        Subnormals.flushBits(bits, n);
        target.put(from, bits, 0, n);
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
