package io.mptrec.model.network;

import io.mptrec.model.nn.Mlp;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoder's work for one batch, done lazily: a head asks only for the experts it uses, so scoring a
 * stage-1 task runs two experts, not K + 1.
 */
public final class EncoderPass {

    private final Encoder encoder;
    private final INDArray input;
    private Mlp.Pass shared;
    private final Mlp.Pass[] tasks;

    public EncoderPass(Encoder encoder, INDArray input) {
        this.encoder = encoder;
        this.input = input;
        this.tasks = new Mlp.Pass[encoder.tasks()];
    }

    /**
     * A pass whose expert outputs were computed earlier (the encoder is frozen, so stage 2 computes them once
     * per row, not once per epoch). It serves forward passes and parameter gradients, not input gradients.
     */
    public static EncoderPass ofOutputs(Encoder encoder, INDArray input, INDArray sharedOutput, INDArray[] taskOutputs) {
        EncoderPass pass = new EncoderPass(encoder, input);
        pass.shared = new Mlp.Pass(input, java.util.List.of(sharedOutput));
        for (int k = 0; k < taskOutputs.length; k++) {
            pass.tasks[k] = new Mlp.Pass(input, java.util.List.of(taskOutputs[k]));
        }
        return pass;
    }

    public Encoder encoder() {
        return encoder;
    }

    public INDArray input() {
        return input;
    }

    public Mlp.Pass shared() {
        if (shared == null) {
            shared = encoder.sharedExpert().forward(input);
        }
        return shared;
    }

    public Mlp.Pass task(int k) {
        if (tasks[k] == null) {
            tasks[k] = encoder.taskExpert(k).forward(input);
        }
        return tasks[k];
    }
}
