package io.mptrec.model.nn;

import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.scalar.Pow;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Layer normalisation over each row, with a learned scale and shift.
 *
 * <p>The passes are Java loops over the arrays' memory into matrices of the running step's
 * ({@link StepWorkspace#uninitialized}), in the order of the ND4J operations they replace (means as sums from 0 along
 * the row divided by the width, then differences and products), which made and registered about fifty arrays a
 * training step. The inverse standard deviation stays ND4J's power (its {@code powf} is not Java's to the last bit: a
 * few values in ten thousand differed), run by the thread's own operation and context, which register nothing.
 */
public final class LayerNorm {

    /**
     * @param normalised (u - mean) / sigma, rows x width
     * @param inverseStd 1 / sigma per row, rows x 1
     */
    public record Pass(INDArray normalised, INDArray inverseStd) {
    }

    private static final double EPSILON = 1e-5;

    /** Each thread's power operation (u^-0.5) and its context, reused: ND4J made a scalar and a context a call. */
    private static final ThreadLocal<InverseSquareRoot> INVERSE_SQUARE_ROOT =
            ThreadLocal.withInitial(InverseSquareRoot::new);

    private final INDArray gamma;
    private final INDArray beta;
    private final INDArray gammaGradient;
    private final INDArray betaGradient;

    private LayerNorm(INDArray gamma, INDArray beta, INDArray gammaGradient, INDArray betaGradient) {
        this.gamma = gamma.reshape(1, gamma.length());
        this.beta = beta.reshape(1, beta.length());
        this.gammaGradient = gammaGradient == null ? null : gammaGradient.reshape(1, gammaGradient.length());
        this.betaGradient = betaGradient == null ? null : betaGradient.reshape(1, betaGradient.length());
    }

    public static LayerNorm trainable(Parameters.Parameter gamma, Parameters.Parameter beta) {
        return new LayerNorm(gamma.value(), beta.value(), gamma.gradient(), beta.gradient());
    }

    public static LayerNorm frozen(INDArray gamma, INDArray beta) {
        return new LayerNorm(gamma, beta, null, null);
    }

    /** u_hat = (u - mean(u)) * (var(u) + eps)^-0.5 per row, var the mean of the squared differences. */
    public Pass normalise(INDArray input) {
        INDArray u = NativeFloats.rowMajor(input);
        int rows = (int) u.rows();
        int width = (int) u.columns();
        INDArray normalised = StepWorkspace.uninitialized(rows, width);
        INDArray inverseStd = StepWorkspace.uninitialized(rows, 1);
        FloatBuffer in = NativeFloats.of(u);
        FloatBuffer out = NativeFloats.of(normalised);
        float[] centred = new float[width];
        float[] variances = new float[rows];
        for (int r = 0; r < rows; r++) {
            in.get(r * width, centred, 0, width);
            float mean = sum(centred, null, width) / width;
            for (int j = 0; j < width; j++) {
                centred[j] = centred[j] - mean;
            }
            variances[r] = sum(centred, centred, width) / width + (float) EPSILON;
            out.put(r * width, centred, 0, width);
        }
        NativeFloats.of(inverseStd).put(0, variances);
        INVERSE_SQUARE_ROOT.get().apply(inverseStd);
        float[] scales = new float[rows];
        NativeFloats.of(inverseStd).get(0, scales);
        for (int r = 0; r < rows; r++) {
            out.get(r * width, centred, 0, width);
            for (int j = 0; j < width; j++) {
                centred[j] = centred[j] * scales[r];
            }
            out.put(r * width, centred, 0, width);
        }
        Reference.reachabilityFence(u);
        Reference.reachabilityFence(normalised);
        return new Pass(normalised, inverseStd);
    }

    /** u_hat * gamma + beta. */
    public INDArray forward(Pass pass) {
        INDArray y = NativeFloats.timesRow(pass.normalised(), gamma);
        int rows = (int) y.rows();
        int width = (int) y.columns();
        float[] shift = new float[width];
        NativeFloats.of(beta).get(0, shift, 0, width);
        FloatBuffer values = NativeFloats.of(y);
        float[] row = new float[width];
        for (int r = 0; r < rows; r++) {
            values.get(r * width, row, 0, width);
            for (int j = 0; j < width; j++) {
                row[j] = row[j] + shift[j];
            }
            values.put(r * width, row, 0, width);
        }
        Reference.reachabilityFence(y);
        Reference.reachabilityFence(beta);
        return y;
    }

    /** dL/du = (1/sigma) * (d_hat - mean(d_hat) - u_hat * mean(d_hat * u_hat)), d_hat = dy * gamma. */
    public INDArray backward(Pass pass, INDArray outputGradient) {
        INDArray dy = NativeFloats.rowMajor(outputGradient);
        INDArray normalised = pass.normalised();
        if (gammaGradient != null) {
            NativeFloats.addColumnSumsOfProducts(dy, normalised, gammaGradient);
            NativeFloats.addColumnSums(dy, betaGradient);
        }
        INDArray dHat = NativeFloats.timesRow(dy, gamma);
        int rows = (int) dHat.rows();
        int width = (int) dHat.columns();
        float[] scales = new float[rows];
        NativeFloats.of(pass.inverseStd()).get(0, scales);
        INDArray du = StepWorkspace.uninitialized(rows, width);
        FloatBuffer dHats = NativeFloats.of(dHat);
        FloatBuffer us = NativeFloats.of(normalised);
        FloatBuffer out = NativeFloats.of(du);
        float[] d = new float[width];
        float[] u = new float[width];
        for (int r = 0; r < rows; r++) {
            dHats.get(r * width, d, 0, width);
            us.get(r * width, u, 0, width);
            float meanD = sum(d, null, width) / width;
            float meanDU = sum(d, u, width) / width;
            for (int j = 0; j < width; j++) {
                d[j] = (d[j] - meanD - u[j] * meanDU) * scales[r];
            }
            out.put(r * width, d, 0, width);
        }
        Reference.reachabilityFence(dy);
        Reference.reachabilityFence(pass);
        Reference.reachabilityFence(dHat);
        return du;
    }

    /** The sum from 0 of a's first n values, or of their products with b's when b is given. */
    private static float sum(float[] a, float[] b, int n) {
        float sum = 0f;
        for (int j = 0; j < n; j++) {
            sum += b == null ? a[j] : a[j] * b[j];
        }
        return sum;
    }

    /** ND4J's scalar power x^-0.5 in place, one operation and context kept for the thread. */
    private static final class InverseSquareRoot {
        private final Pow power = new Pow(Nd4j.create(DataType.FLOAT, 1, 1), -0.5);
        private final OpContext context = Nd4j.getExecutioner().buildContext();

        void apply(INDArray values) {
            power.setX(values);
            power.setZ(values);
            context.setInputArray(0, values);
            context.setOutputArray(0, values);
            Nd4j.getExecutioner().exec(power, context);
            context.purge();
        }
    }
}
