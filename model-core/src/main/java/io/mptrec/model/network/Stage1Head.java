package io.mptrec.model.network;

import io.mptrec.model.nn.Dense;
import io.mptrec.model.nn.Mlp;
import io.mptrec.model.nn.NativeFloats;
import io.mptrec.model.nn.Parameters;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A stage-1 task k: h~ = h_k (.) p_k, z = g[0] h~ + g[1] h_s with g = softmax(W_k x), y = T_k(z).
 * Artifact arrays: {@code prompt} (D), {@code gate.w} (d_in x 2), {@code tower.{0,1,2}.{w,b}}.
 */
public final class Stage1Head implements TaskHead {

    record Pass(GatedFusion.Pass fusion, INDArray taskExpertOutput, Mlp.Pass tower) implements TaskHead.Pass {
    }

    private final int taskIndex;
    private final INDArray prompt;
    private final INDArray promptGradient;
    private final GatedFusion fusion;
    private final Mlp tower;

    private Stage1Head(int taskIndex, INDArray prompt, INDArray promptGradient, Dense gate, Mlp tower) {
        this.taskIndex = taskIndex;
        this.prompt = prompt.reshape(1, prompt.length());
        this.promptGradient = promptGradient == null ? null : promptGradient.reshape(1, promptGradient.length());
        this.fusion = new GatedFusion(gate);
        this.tower = tower;
    }

    static void declare(Parameters.Builder builder, ModelConfig config, int inputWidth, String prefix) {
        builder.add(prefix + "gate.w", Parameters.Init.GLOROT_UNIFORM, (float) config.l2Dense(), inputWidth, 2);
        declareTower(builder, config, prefix);
    }

    /** Declares a tower D -> 64 -> 32 -> 1 under {@code prefix}tower.{0,1,2}.{w,b}. */
    public static void declareTower(Parameters.Builder builder, ModelConfig config, String prefix) {
        float l2 = (float) config.l2Dense();
        int[] widths = {config.expertOutput(), config.towerHidden1(), config.towerHidden2(), 1};
        for (int i = 0; i < 3; i++) {
            builder.add(prefix + "tower." + i + ".w", Parameters.Init.GLOROT_UNIFORM, l2, widths[i], widths[i + 1]);
            builder.add(prefix + "tower." + i + ".b", Parameters.Init.ZEROS, 0f, widths[i + 1]);
        }
    }

    public static Mlp trainableTower(Parameters p, String prefix) {
        return new Mlp(List.of(
                Dense.trainable(p.get(prefix + "tower.0.w"), p.get(prefix + "tower.0.b")),
                Dense.trainable(p.get(prefix + "tower.1.w"), p.get(prefix + "tower.1.b")),
                Dense.trainable(p.get(prefix + "tower.2.w"), p.get(prefix + "tower.2.b"))), false);
    }

    static Mlp frozenTower(Map<String, INDArray> arrays) {
        return new Mlp(List.of(
                Dense.frozen(require(arrays, "tower.0.w"), require(arrays, "tower.0.b")),
                Dense.frozen(require(arrays, "tower.1.w"), require(arrays, "tower.1.b")),
                Dense.frozen(require(arrays, "tower.2.w"), require(arrays, "tower.2.b"))), false);
    }

    static INDArray require(Map<String, INDArray> arrays, String name) {
        INDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("task prompt array " + name + " is missing");
        }
        return a;
    }

    /** Task k's head during stage 1: its prompt is row k of the encoder's prompt parameter. */
    static Stage1Head trainable(int k, Parameters p, String prefix) {
        Parameters.Parameter prompts = p.get(Encoder.PROMPTS);
        return new Stage1Head(k, prompts.value().getRow(k), prompts.gradient().getRow(k),
                Dense.trainable(p.get(prefix + "gate.w"), null), trainableTower(p, prefix));
    }

    public static Stage1Head frozen(int taskIndex, Map<String, INDArray> arrays) {
        return new Stage1Head(taskIndex, require(arrays, "prompt"), null,
                Dense.frozen(require(arrays, "gate.w"), null), frozenTower(arrays));
    }

    public int taskIndex() {
        return taskIndex;
    }

    Mlp tower() {
        return tower;
    }

    @Override
    public Pass forward(EncoderPass encoderPass) {
        INDArray hk = encoderPass.task(taskIndex).output();
        INDArray hs = encoderPass.shared().output();
        GatedFusion.Pass fused = fusion.forward(encoderPass.input(), NativeFloats.timesRow(hk, prompt), hs);
        return new Pass(fused, hk, tower.forward(fused.fused()));
    }

    @Override
    public INDArray backward(EncoderPass encoderPass, TaskHead.Pass taskPass, INDArray dLogits, boolean inputGradient) {
        Gradients g = backwardToEncoder(encoderPass, (Pass) taskPass, dLogits, inputGradient);
        if (!inputGradient) {
            return null;
        }
        INDArray dx = g.dInput();
        NativeFloats.addi(dx, encoderPass.encoder().taskExpert(taskIndex).backward(encoderPass.task(taskIndex),
                g.dTaskExpert(), true));
        NativeFloats.addi(dx, encoderPass.encoder().sharedExpert().backward(encoderPass.shared(), g.dShared(), true));
        return dx;
    }

    /** Gradients that leave the head: into the task expert's output, the shared output and the gate's input. */
    record Gradients(INDArray dTaskExpert, INDArray dShared, INDArray dInput) {
    }

    Gradients backwardToEncoder(EncoderPass encoderPass, Pass pass, INDArray dLogits, boolean gateInputGradient) {
        INDArray dFused = tower.backward(pass.tower(), dLogits, true);
        GatedFusion.Gradients g = fusion.backward(encoderPass.input(), pass.fusion(), dFused, gateInputGradient);
        if (promptGradient != null) {
            NativeFloats.addColumnSumsOfProducts(g.dTaskPart(), pass.taskExpertOutput(), promptGradient);
        }
        return new Gradients(NativeFloats.timesRow(g.dTaskPart(), prompt), g.dSharedPart(), g.dInput());
    }
}
