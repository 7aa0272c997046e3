package io.mptrec.model.nn;

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
    public Pass normalise(INDArray u) {
        float[] variances = new float[(int) u.rows()];
        INDArray centred = NativeFloats.mapRows(u, null, (r, row, none) -> {
            float mean = sum(row, null) / row.length;
            for (int j = 0; j < row.length; j++) {
                row[j] = row[j] - mean;
            }
            variances[r] = sum(row, row) / row.length + (float) EPSILON;
        });
        INDArray inverseStd = NativeFloats.array(variances, variances.length, 1);
        INVERSE_SQUARE_ROOT.get().apply(inverseStd);
        return new Pass(NativeFloats.timesColumn(centred, inverseStd, 0), inverseStd);
    }

    /** u_hat * gamma + beta. */
    public INDArray forward(Pass pass) {
        float[] scale = FloatVectors.of(gamma);
        float[] shift = FloatVectors.of(beta);
        return NativeFloats.mapRows(pass.normalised(), null, (r, row, none) -> {
            for (int j = 0; j < row.length; j++) {
                row[j] = row[j] * scale[j] + shift[j];
            }
        });
    }

    /** dL/du = (1/sigma) * (d_hat - mean(d_hat) - u_hat * mean(d_hat * u_hat)), d_hat = dy * gamma. */
    public INDArray backward(Pass pass, INDArray dy) {
        if (gammaGradient != null) {
            NativeFloats.addColumnSumsOfProducts(dy, pass.normalised(), gammaGradient);
            NativeFloats.addColumnSums(dy, betaGradient);
        }
        float[] scales = FloatVectors.of(pass.inverseStd());
        return NativeFloats.mapRows(NativeFloats.timesRow(dy, gamma), pass.normalised(), (r, d, u) -> {
            float meanD = sum(d, null) / d.length;
            float meanDU = sum(d, u) / d.length;
            for (int j = 0; j < d.length; j++) {
                d[j] = (d[j] - meanD - u[j] * meanDU) * scales[r];
            }
        });
    }

    /** The sum from 0 of a's values, or of their products with b's when b is given. */
    private static float sum(float[] a, float[] b) {
        float sum = 0f;
        for (int j = 0; j < a.length; j++) {
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
