package io.mptrec.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Mean binary cross-entropy on logits: stable for large logits, and its gradient is (sigmoid(l) - y) / B. */
public final class BinaryCrossEntropy {

    public record Result(double loss, INDArray logitGradient, float[] rowLosses) {
    }

    private BinaryCrossEntropy() {
    }

    /** @param weight scales the loss and its gradient (lambda_gen for the auxiliary loss). */
    public static Result of(INDArray logits, float[] labels, double weight) {
        float[] l = FloatVectors.of(logits);
        int n = l.length;
        float[] gradient = new float[n];
        float[] rowLosses = new float[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double x = l[i];
            // log(1 + e^x) - y x, written so that neither branch overflows
            double softplus = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
            double rowLoss = softplus - labels[i] * x;
            rowLosses[i] = (float) rowLoss;
            sum += rowLoss;
            double p = 1.0 / (1.0 + Math.exp(-x));
            gradient[i] = (float) (weight * (p - labels[i]) / n);
        }
        return new Result(weight * sum / n, NativeFloats.array(gradient, n, 1), rowLosses);
    }
}
