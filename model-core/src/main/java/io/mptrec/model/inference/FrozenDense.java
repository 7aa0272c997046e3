package io.mptrec.model.inference;

import io.mptrec.model.artifact.FloatArray;
import java.util.Arrays;
import org.bytedeco.openblas.global.openblas;

/**
 * A frozen layer y = x W (+ b) over a block of rows held row-major in Java arrays. From {@link #BLAS_ROWS} rows the
 * block goes to OpenBLAS's {@code sgemm} on the Java arrays themselves (JavaCPP hands them over for the call; nothing
 * is registered with ND4J and nothing outlives the call); below, a Java loop one row at a time is faster, since
 * {@code sgemm} costs about 25 us a call before any arithmetic.
 *
 * <p>The Java loop keeps W as one array per input unit and runs over one output row copied out of the block, so the
 * inner loop indexes no array with an offset: that is the form C2 vectorises on Java 17 (with an offset it stays
 * scalar, about 4x slower). Four input units per sweep of the output row cut its loads and stores by four.
 */
final class FrozenDense {

    /** Measured per layer at Census widths: the Java loop is faster at 10 rows, OpenBLAS from about 20. */
    static final int BLAS_ROWS = 16;

    private final int inputs;
    private final int outputs;
    private final float[] weight;
    private final float[][] weightRows;
    private final float[] bias;

    /** @param bias the bias, or null for a bias-free layer */
    FrozenDense(FloatArray weight, FloatArray bias) {
        if (weight.shape().length != 2) {
            throw new IllegalArgumentException("a layer's weight must be a matrix, was " + weight);
        }
        this.inputs = weight.shape()[0];
        this.outputs = weight.shape()[1];
        if (bias != null && bias.data().length != outputs) {
            throw new IllegalArgumentException("bias of " + bias.data().length + " values for a layer of " + outputs + " outputs");
        }
        this.weight = weight.data().clone();
        this.weightRows = new float[inputs][];
        for (int k = 0; k < inputs; k++) {
            weightRows[k] = Arrays.copyOfRange(this.weight, k * outputs, (k + 1) * outputs);
        }
        this.bias = bias == null ? null : bias.data().clone();
    }

    int inputs() {
        return inputs;
    }

    int outputs() {
        return outputs;
    }

    /**
     * The first n rows of x (n x {@link #inputs()}, row-major) into those of y (n x {@link #outputs()}), then ReLU when
     * asked. rowIn and rowOut are the caller's scratch rows, at least as long as the layer's widths.
     */
    void forward(float[] x, float[] y, int n, boolean relu, float[] rowIn, float[] rowOut) {
        if (n < BLAS_ROWS) {
            for (int r = 0; r < n; r++) {
                System.arraycopy(x, r * inputs, rowIn, 0, inputs);
                forwardRow(rowIn, rowOut, relu);
                System.arraycopy(rowOut, 0, y, r * outputs, outputs);
            }
            return;
        }
        if (bias != null) {
            for (int r = 0; r < n; r++) {
                System.arraycopy(bias, 0, y, r * outputs, outputs);
            }
        }
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, n, outputs, inputs,
                1f, x, inputs, weight, outputs, bias == null ? 0f : 1f, y, outputs);
        if (relu) {
            int length = n * outputs;
            for (int i = 0; i < length; i++) {
                y[i] = Math.max(y[i], 0f);
            }
        }
    }

    private void forwardRow(float[] x, float[] y, boolean relu) {
        int out = outputs;
        if (bias == null) {
            Arrays.fill(y, 0, out, 0f);
        } else {
            System.arraycopy(bias, 0, y, 0, out);
        }
        int k = 0;
        for (; k + 3 < inputs; k += 4) {
            float a0 = x[k];
            float a1 = x[k + 1];
            float a2 = x[k + 2];
            float a3 = x[k + 3];
            float[] w0 = weightRows[k];
            float[] w1 = weightRows[k + 1];
            float[] w2 = weightRows[k + 2];
            float[] w3 = weightRows[k + 3];
            for (int j = 0; j < out; j++) {
                y[j] += a0 * w0[j] + a1 * w1[j] + a2 * w2[j] + a3 * w3[j];
            }
        }
        for (; k < inputs; k++) {
            float a = x[k];
            float[] w = weightRows[k];
            for (int j = 0; j < out; j++) {
                y[j] += a * w[j];
            }
        }
        if (relu) {
            for (int j = 0; j < out; j++) {
                y[j] = Math.max(y[j], 0f);
            }
        }
    }
}
