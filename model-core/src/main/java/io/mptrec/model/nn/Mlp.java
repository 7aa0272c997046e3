package io.mptrec.model.nn;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A stack of {@link Dense} layers with ReLU between them, and after the last one too when
 * {@code reluOnOutput} (the experts) or not (the towers, whose output is a logit).
 */
public final class Mlp {

    /** What the backward pass needs: the input and each layer's output. */
    public record Pass(INDArray input, List<INDArray> outputs) {
        public INDArray output() {
            return outputs.get(outputs.size() - 1);
        }
    }

    private final List<Dense> layers;
    private final boolean reluOnOutput;

    public Mlp(List<Dense> layers, boolean reluOnOutput) {
        this.layers = List.copyOf(layers);
        this.reluOnOutput = reluOnOutput;
    }

    public List<Dense> layers() {
        return layers;
    }

    public Pass forward(INDArray x) {
        List<INDArray> outputs = new ArrayList<>(layers.size());
        INDArray h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h);
            if (i < layers.size() - 1 || reluOnOutput) {
                h = Activations.relu(h);
            }
            outputs.add(h);
        }
        return new Pass(x, outputs);
    }

    public INDArray backward(Pass pass, INDArray dOutput, boolean needInputGradient) {
        INDArray dy = dOutput;
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (i < layers.size() - 1 || reluOnOutput) {
                dy = Activations.reluBackward(pass.outputs().get(i), dy);
            }
            INDArray input = i == 0 ? pass.input() : pass.outputs().get(i - 1);
            dy = layers.get(i).backward(input, dy, i > 0 || needInputGradient);
        }
        return dy;
    }
}
