package io.mptrec.model.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/** Adam over the whole flat parameter buffer: one native update per step. */
public final class AdamOptimizer {

    private final Parameters parameters;
    /** Adam's first and second moments, side by side. */
    private final INDArray state;
    private final GradientUpdater<?> updater;
    private int iteration;

    public AdamOptimizer(Parameters parameters, double learningRate) {
        this.parameters = parameters;
        this.state = Nd4j.zeros(DataType.FLOAT, 1, 2 * parameters.count());
        this.updater = new Adam(learningRate, 0.9, 0.999, 1e-7).instantiate(state, true);
    }

    /**
     * Turns the accumulated gradients into Adam's update and applies it; then no parameter and no moment is left
     * subnormal ({@link Subnormals}), so no later step multiplies one.
     */
    public void step() {
        INDArray gradient = parameters.gradients().reshape(1, parameters.count());
        updater.applyUpdater(gradient, iteration++, 0);
        parameters.values().subi(gradient.reshape(parameters.count()));
        Subnormals.flush(parameters.values());
        Subnormals.flush(state);
    }
}
