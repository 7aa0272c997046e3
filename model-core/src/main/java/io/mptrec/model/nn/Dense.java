package io.mptrec.model.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fully connected layer y = x W (+ b). Its gradients, when it is trainable, accumulate into views of a
 * {@link Parameters} gradient buffer; a frozen layer has none and only passes gradients on to its input. Its products,
 * the bias's broadcast and the bias gradient's column sums go to OpenBLAS directly ({@link Blas}).
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
        INDArray y = StepWorkspace.uninitialized(x.rows(), outputs());
        if (bias == null) {
            Blas.gemm(x, false, weight, false, y, 0f);
        } else {
            Blas.setRows(y, bias);
            Blas.gemm(x, false, weight, false, y, 1f);
        }
        return y;
    }

    /**
     * Accumulates this layer's gradients from {@code dy} (when trainable) and returns dL/dx, or null when
     * {@code needInputGradient} is false (saves a matrix product at the bottom of a network).
     */
    public INDArray backward(INDArray x, INDArray dy, boolean needInputGradient) {
        if (weightGradient != null) {
            Blas.gemm(x, true, dy, false, weightGradient, 1f);
            if (biasGradient != null) {
                Blas.addColumnSums(dy, biasGradient);
            }
        }
        if (!needInputGradient) {
            return null;
        }
        INDArray dx = StepWorkspace.uninitialized(dy.rows(), inputs());
        Blas.gemm(dy, false, weight, true, dx, 0f);
        return dx;
    }
}
