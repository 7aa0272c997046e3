package io.mptrec.model.network;

import io.mptrec.model.nn.Activations;
import io.mptrec.model.nn.Dense;
import io.mptrec.model.nn.Mlp;
import io.mptrec.model.nn.NativeFloats;
import io.mptrec.model.nn.Parameters;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A low-rank adapter (LoRA: Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models", 2021) on one frozen
 * expert, on a stage-2 task's path only: the expert's first layer reads x (W0 + A B) + b0 instead of x W0 + b0. A
 * (d_in x r) and B (r x H1) belong to the task prompt; the expert's own arrays are read, never written, so every other
 * task still sees the frozen expert. B starts at zero: training starts from the frozen expert's output.
 */
public final class ExpertAdapter {

    /** What the backward pass needs: x A, the adapted hidden layer and the expert's output. */
    record Pass(INDArray down, INDArray hidden, INDArray output) {
    }

    private final Mlp expert;
    private final Dense down;
    private final Dense up;

    private ExpertAdapter(Mlp expert, Dense down, Dense up) {
        if (expert.layers().size() != 2) {
            throw new IllegalArgumentException("an adapter fits a two-layer expert, not " + expert.layers().size());
        }
        this.expert = expert;
        this.down = down;
        this.up = up;
    }

    /** The artifact names of the adapter on {@code expertName}: A then B. */
    public static String downName(String expertName) {
        return "adapter." + expertName + ".down";
    }

    public static String upName(String expertName) {
        return "adapter." + expertName + ".up";
    }

    static void declare(Parameters.Builder b, String expertName, int inputWidth, int hidden, int rank) {
        b.add(downName(expertName), Parameters.Init.GLOROT_UNIFORM, 0f, inputWidth, rank);
        b.add(upName(expertName), Parameters.Init.ZEROS, 0f, rank, hidden);
    }

    static ExpertAdapter trainable(Mlp expert, String expertName, Parameters p) {
        return new ExpertAdapter(expert, Dense.trainable(p.get(downName(expertName)), null),
                Dense.trainable(p.get(upName(expertName)), null));
    }

    static ExpertAdapter frozen(Mlp expert, String expertName, Function<String, INDArray> array) {
        return new ExpertAdapter(expert, Dense.frozen(array.apply(downName(expertName)), null),
                Dense.frozen(array.apply(upName(expertName)), null));
    }

    Pass forward(INDArray x) {
        INDArray down = this.down.forward(x);
        INDArray hidden = Activations.relu(NativeFloats.addi(expert.layers().get(0).forward(x), up.forward(down)));
        return new Pass(down, hidden, Activations.relu(expert.layers().get(1).forward(hidden)));
    }

    /** Accumulates A's and B's gradients; returns dL/dx, or null when {@code inputGradient} is false. */
    INDArray backward(INDArray x, Pass pass, INDArray dOutput, boolean inputGradient) {
        INDArray dHidden = expert.layers().get(1).backward(pass.hidden(),
                Activations.reluBackward(pass.output(), dOutput), true);
        INDArray dPre = Activations.reluBackward(pass.hidden(), dHidden);
        INDArray dDown = up.backward(pass.down(), dPre, true);
        INDArray dx = down.backward(x, dDown, inputGradient);
        return inputGradient ? NativeFloats.addi(dx, expert.layers().get(0).backward(x, dPre, true)) : null;
    }
}
