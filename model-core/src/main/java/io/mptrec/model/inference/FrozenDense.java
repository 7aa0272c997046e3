package io.mptrec.model.inference;

import io.mptrec.model.artifact.FloatArray;
import java.util.Arrays;

/**
 * A frozen layer y = x W (+ b) on Java arrays, one row at a time. W is kept as one array per input unit, so the
 * inner loop runs over one output row with no offset into either array: that is the form C2 vectorises on Java 17
 * (with an offset into a flat array it stays scalar, about 4x slower). Four input units per sweep of the output row
 * cut its loads and stores by four.
 */
final class FrozenDense {

    private final float[][] weight;
    private final float[] bias;

    /** @param bias the bias, or null for a bias-free layer */
    FrozenDense(FloatArray weight, FloatArray bias) {
        if (weight.shape().length != 2) {
            throw new IllegalArgumentException("a layer's weight must be a matrix, was " + weight);
        }
        int in = weight.shape()[0];
        int out = weight.shape()[1];
        if (bias != null && bias.data().length != out) {
            throw new IllegalArgumentException("bias of " + bias.data().length + " values for a layer of " + out + " outputs");
        }
        this.weight = new float[in][];
        for (int k = 0; k < in; k++) {
            this.weight[k] = Arrays.copyOfRange(weight.data(), k * out, (k + 1) * out);
        }
        this.bias = bias == null ? null : bias.data().clone();
    }

    int inputs() {
        return weight.length;
    }

    int outputs() {
        return weight.length == 0 ? 0 : weight[0].length;
    }

    /** Row by row over the first n rows of x into those of y. */
    void forward(float[][] x, float[][] y, int n, boolean relu) {
        for (int r = 0; r < n; r++) {
            forward(x[r], y[r], relu);
        }
    }

    /** y = x W (+ b), then ReLU when asked; x holds at least {@link #inputs()} values, y exactly {@link #outputs()}. */
    void forward(float[] x, float[] y, boolean relu) {
        if (bias == null) {
            Arrays.fill(y, 0f);
        } else {
            System.arraycopy(bias, 0, y, 0, y.length);
        }
        int in = weight.length;
        int k = 0;
        for (; k + 3 < in; k += 4) {
            float a0 = x[k];
            float a1 = x[k + 1];
            float a2 = x[k + 2];
            float a3 = x[k + 3];
            float[] w0 = weight[k];
            float[] w1 = weight[k + 1];
            float[] w2 = weight[k + 2];
            float[] w3 = weight[k + 3];
            for (int j = 0; j < y.length; j++) {
                y[j] += a0 * w0[j] + a1 * w1[j] + a2 * w2[j] + a3 * w3[j];
            }
        }
        for (; k < in; k++) {
            float a = x[k];
            float[] w = weight[k];
            for (int j = 0; j < y.length; j++) {
                y[j] += a * w[j];
            }
        }
        if (relu) {
            for (int j = 0; j < y.length; j++) {
                y[j] = Math.max(y[j], 0f);
            }
        }
    }
}
