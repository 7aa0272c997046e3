package io.mptrec.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fully connected layer y = x W (+ b). Its gradients, when it is trainable, accumulate into views of a
 * {@link Parameters} gradient buffer; a frozen layer has none and only passes gradients on to its input.
 */
public final class Dense {

    private final INDArray weight;
    private final INDArray bias;
    private final INDArray weightGradient;
    private final INDArray biasGradient;

    private Dense(INDArray weight, INDArray bias, INDArray weightGradient, INDArray biasGradient) {
        this.weight = weight;
        this.bias = bias;
        this.weightGradient = weightGradient;
        this.biasGradient = biasGradient;
    }

    public static Dense trainable(Parameters.Parameter weight, Parameters.Parameter bias) {
        return new Dense(weight.value(), bias == null ? null : bias.value().reshape(1, bias.size()),
                weight.gradient(), bias == null ? null : bias.gradient().reshape(1, bias.size()));
    }

    public static Dense frozen(INDArray weight, INDArray bias) {
        return new Dense(weight, bias == null ? null : bias.reshape(1, bias.length()), null, null);
    }

    public int inputs() {
        return (int) weight.size(0);
    }

    public int outputs() {
        return (int) weight.size(1);
    }

    public INDArray weight() {
        return weight;
    }

    public INDArray bias() {
        return bias;
    }

    public INDArray forward(INDArray x) {
        INDArray y = x.mmul(weight);
        return bias == null ? y : y.addiRowVector(bias);
    }

    /**
     * Accumulates this layer's gradients from {@code dy} (when trainable) and returns dL/dx, or null when
     * {@code needInputGradient} is false (saves a matrix product at the bottom of a network).
     */
    public INDArray backward(INDArray x, INDArray dy, boolean needInputGradient) {
        if (weightGradient != null) {
            Nd4j.gemm(x, dy, weightGradient, true, false, 1.0, 1.0);
            if (biasGradient != null) {
                biasGradient.addi(dy.sum(0).reshape(biasGradient.shape()));
            }
        }
        return needInputGradient ? Nd4j.gemm(dy, weight, false, true) : null;
    }
}
