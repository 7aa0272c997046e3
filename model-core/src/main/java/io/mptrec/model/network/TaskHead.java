package io.mptrec.model.network;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Everything one task trains on top of the encoder: its prediction given the encoder's pass. */
public interface TaskHead {

    /** The forward pass of a batch, kept for the backward pass and for contribution reports. */
    interface Pass {
        /** Logits, B x 1. */
        INDArray logits();

        /** Gate weights, B x 2: (task-specific part, shared part). */
        INDArray gate();
    }

    Pass forward(EncoderPass encoderPass);

    /**
     * Accumulates this head's parameter gradients (when trainable) from dL/dlogits; when
     * {@code inputGradient}, also returns dL/dx through the head and the frozen encoder's experts
     * (for attributions), else null.
     */
    INDArray backward(EncoderPass encoderPass, Pass pass, INDArray dLogits, boolean inputGradient);
}
