package io.mptrec.model.network;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.EncodedSource;
import io.mptrec.model.nn.AdamOptimizer;
import io.mptrec.model.nn.BinaryCrossEntropy;
import io.mptrec.model.nn.Parameters;
import io.mptrec.model.nn.StepWorkspace;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stage 2: one task prompt trained against a frozen encoder. Only the head's parameters exist here, so
 * nothing the existing tasks use can change: the encoder's arrays are never written.
 */
public final class PromptTuningModel {

    private final Encoder encoder;
    private final TuneConfig config;
    private final Parameters parameters;
    private final Stage2Head head;
    private final AdamOptimizer optimizer;

    public PromptTuningModel(Encoder encoder, TuneConfig config, long seed) {
        this.encoder = encoder;
        this.config = config;
        this.parameters = Stage2Head.declare(config, encoder, seed);
        this.head = Stage2Head.trainable(config, encoder, parameters);
        this.optimizer = new AdamOptimizer(parameters, config.learningRate());
    }

    public Parameters parameters() {
        return parameters;
    }

    public Stage2Head head() {
        return head;
    }

    public Encoder encoder() {
        return encoder;
    }

    public double trainStep(EncodedRows batch, float[] labels) {
        return StepWorkspace.run("stage2-step", () -> {
            double loss = computeGradients(batch, labels);
            optimizer.step();
            return loss;
        });
    }

    public double computeGradients(EncodedRows batch, float[] labels) {
        return computeGradients(new EncoderPass(encoder, batch), labels);
    }

    /**
     * One Adam step on a batch whose expert outputs are already known ({@link EncoderPass#ofOutputs}): {@code batch}
     * gathers them inside the step's workspace, so that the gathered rows are reused memory, not native garbage.
     */
    public double trainStep(Supplier<EncoderPass> batch, float[] labels) {
        return StepWorkspace.run("stage2-step", () -> {
            double loss = computeGradients(batch.get(), labels);
            optimizer.step();
            return loss;
        });
    }

    private double computeGradients(EncoderPass ep, float[] labels) {
        parameters.zeroGradients();
        TaskHead.Pass pass = head.forward(ep);
        BinaryCrossEntropy.Result bce = BinaryCrossEntropy.of(pass.logits(), labels, 1.0);
        head.backward(ep, pass, bce.logitGradient(), false);
        return bce.loss() + parameters.applyL2();
    }

    public float[] predict(EncodedSource rows) {
        return Predictions.of(encoder, java.util.List.of(head), rows)[0];
    }

    /** A copy of the head's arrays under their artifact names. */
    public java.util.Map<String, INDArray> arrays() {
        java.util.Map<String, INDArray> arrays = new java.util.TreeMap<>();
        for (Parameters.Parameter p : parameters.all()) {
            arrays.put(p.name(), p.value().dup());
        }
        return arrays;
    }
}
