package io.mptrec.model.network;

import io.mptrec.model.nn.Mlp;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Everything one task trains on top of the encoder: its prediction given the encoder's pass. */
public interface TaskHead {

    /**
     * The forward pass of a batch, kept for the backward pass and for contribution reports. Every head ends in the
     * same gated fusion and tower, so the logits and the gate are read off them.
     */
    interface Pass {
        GatedFusion.Pass fusion();

        Mlp.Pass tower();

        /** Logits, B x 1. */
        default INDArray logits() {
            return tower().output();
        }

        /** Gate weights, B x 2: (task-specific part, shared part). */
        default INDArray gate() {
            return fusion().gate();
        }
    }

    Pass forward(EncoderPass encoderPass);

    /**
     * Accumulates this head's parameter gradients (when trainable) from dL/dlogits; when
     * {@code inputGradient}, also returns dL/dx through the head and the frozen encoder's experts
     * (for attributions), else null.
     */
    INDArray backward(EncoderPass encoderPass, Pass pass, INDArray dLogits, boolean inputGradient);
}
