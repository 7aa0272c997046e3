package io.mptrec.model.network;

import io.mptrec.model.nn.Activations;
import io.mptrec.model.nn.Dense;
import io.mptrec.model.nn.LayerNorm;
import io.mptrec.model.nn.Mlp;
import io.mptrec.model.nn.Parameters;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A task prompt trained against the frozen encoder (stage 2): a new task, or a new version of an existing one.
 * a = softmax(Phi(x) P^T / tau), h = sum_k a_k h_k, h~ = h (.) p, z = g[0] h~ + g[1] h_s, y = T(z), with
 * Phi = LayerNorm(relu(x A1) A2). Artifact arrays: {@code prompt}, {@code projection.0.w},
 * {@code projection.1.w}, {@code projection.norm.gamma}, {@code projection.norm.beta} (attention only),
 * {@code gate.w} (learned gate only), {@code tower.{0,1,2}.{w,b}}.
 */
public final class Stage2Head implements TaskHead {

    public record Pass(Mlp.Pass projection, LayerNorm.Pass norm, INDArray attention, INDArray mixed,
                       GatedFusion.Pass fusion, Mlp.Pass tower) implements TaskHead.Pass {
    }

    private final TuneConfig config;
    private final INDArray prompt;
    private final INDArray promptGradient;
    private final Mlp projection;
    private final LayerNorm norm;
    private final GatedFusion fusion;
    private final Mlp tower;

    private Stage2Head(TuneConfig config, INDArray prompt, INDArray promptGradient, Mlp projection, LayerNorm norm,
                       Dense gate, Mlp tower) {
        this.config = config;
        this.prompt = prompt.reshape(1, prompt.length());
        this.promptGradient = promptGradient == null ? null : promptGradient.reshape(1, promptGradient.length());
        this.projection = projection;
        this.norm = norm;
        this.fusion = new GatedFusion(gate);
        this.tower = tower;
    }

    public static Parameters declare(TuneConfig config, ModelConfig encoderConfig, int inputWidth, long seed) {
        Parameters.Builder b = Parameters.builder();
        float l2 = (float) config.l2Dense();
        int d = encoderConfig.expertOutput();
        b.add("prompt", Parameters.Init.ONES, 0f, d);
        if (config.fusion() == TuneConfig.Fusion.ATTENTION) {
            b.add("projection.0.w", Parameters.Init.GLOROT_UNIFORM, 0f, inputWidth, d / 2);
            b.add("projection.1.w", Parameters.Init.GLOROT_UNIFORM, 0f, d / 2, d);
            b.add("projection.norm.gamma", Parameters.Init.ONES, 0f, d);
            b.add("projection.norm.beta", Parameters.Init.ZEROS, 0f, d);
        }
        if (!config.fixedGate()) {
            b.add("gate.w", Parameters.Init.GLOROT_UNIFORM, 0f, inputWidth, 2);
        }
        // L2 on the tower only, as method.md's stage-2 loss says
        int[] widths = {d, encoderConfig.towerHidden1(), encoderConfig.towerHidden2(), 1};
        for (int i = 0; i < 3; i++) {
            b.add("tower." + i + ".w", Parameters.Init.GLOROT_UNIFORM, l2, widths[i], widths[i + 1]);
            b.add("tower." + i + ".b", Parameters.Init.ZEROS, 0f, widths[i + 1]);
        }
        return b.build(seed);
    }

    public static Stage2Head trainable(TuneConfig config, Parameters p) {
        boolean attention = config.fusion() == TuneConfig.Fusion.ATTENTION;
        return new Stage2Head(config, p.get("prompt").value(), p.get("prompt").gradient(),
                attention ? new Mlp(java.util.List.of(Dense.trainable(p.get("projection.0.w"), null),
                        Dense.trainable(p.get("projection.1.w"), null)), false) : null,
                attention ? LayerNorm.trainable(p.get("projection.norm.gamma"), p.get("projection.norm.beta")) : null,
                config.fixedGate() ? null : Dense.trainable(p.get("gate.w"), null),
                Stage1Head.trainableTower(p, ""));
    }

    public static Stage2Head frozen(TuneConfig config, Map<String, INDArray> arrays) {
        boolean attention = config.fusion() == TuneConfig.Fusion.ATTENTION;
        return new Stage2Head(config, Stage1Head.require(arrays, "prompt"), null,
                attention ? new Mlp(java.util.List.of(Dense.frozen(Stage1Head.require(arrays, "projection.0.w"), null),
                        Dense.frozen(Stage1Head.require(arrays, "projection.1.w"), null)), false) : null,
                attention ? LayerNorm.frozen(Stage1Head.require(arrays, "projection.norm.gamma"),
                        Stage1Head.require(arrays, "projection.norm.beta")) : null,
                config.fixedGate() ? null : Dense.frozen(Stage1Head.require(arrays, "gate.w"), null),
                Stage1Head.frozenTower(arrays));
    }

    public TuneConfig config() {
        return config;
    }

    @Override
    public Pass forward(EncoderPass ep) {
        INDArray x = ep.input();
        long rows = x.size(0);
        int tasks = ep.encoder().tasks();
        INDArray keys = ep.encoder().prompts();
        Mlp.Pass projected = null;
        LayerNorm.Pass normalised = null;
        INDArray attention;
        switch (config.fusion()) {
            case ATTENTION -> {
                projected = projection.forward(x);
                normalised = norm.normalise(projected.output());
                INDArray query = norm.forward(normalised);
                attention = Activations.softmaxRows(query.mmul(keys.transpose()).divi(config.temperature()));
            }
            case TASK_SIMILARITY -> attention = Activations.softmaxRows(
                    prompt.mmul(keys.transpose()).divi(config.temperature())).repeat(0, rows);
            default -> attention = Nd4j.valueArrayOf(new long[] {rows, tasks}, 1.0f / tasks, DataType.FLOAT);
        }
        INDArray mixed = Nd4j.zeros(DataType.FLOAT, rows, keys.size(1));
        for (int k = 0; k < tasks; k++) {
            mixed.addi(ep.task(k).output().mulColumnVector(GatedFusion.column(attention, k)));
        }
        GatedFusion.Pass fused = fusion.forward(x, mixed.mulRowVector(prompt), ep.shared().output());
        return new Pass(projected, normalised, attention, mixed, fused, tower.forward(fused.fused()));
    }

    @Override
    public INDArray backward(EncoderPass ep, TaskHead.Pass taskPass, INDArray dLogits, boolean inputGradient) {
        Pass pass = (Pass) taskPass;
        INDArray x = ep.input();
        int tasks = ep.encoder().tasks();
        INDArray keys = ep.encoder().prompts();
        INDArray dFused = tower.backward(pass.tower(), dLogits, true);
        GatedFusion.Gradients g = fusion.backward(x, pass.fusion(), dFused, inputGradient);
        if (promptGradient != null) {
            promptGradient.addi(g.dTaskPart().mul(pass.mixed()).sum(true, 0));
        }
        INDArray dMixed = g.dTaskPart().mulRowVector(prompt);
        INDArray dAttention = Nd4j.zeros(DataType.FLOAT, x.size(0), tasks);
        for (int k = 0; k < tasks; k++) {
            GatedFusion.column(dAttention, k).assign(dMixed.mul(ep.task(k).output()).sum(true, 1));
        }
        INDArray dScores = Activations.softmaxRowsBackward(pass.attention(), dAttention).divi(config.temperature());
        INDArray dx = inputGradient ? g.dInput() : null;
        switch (config.fusion()) {
            case ATTENTION -> {
                INDArray dQuery = dScores.mmul(keys);
                INDArray dProjected = norm.backward(pass.norm(), dQuery);
                INDArray dxProjection = projection.backward(pass.projection(), dProjected, inputGradient);
                if (inputGradient) {
                    dx.addi(dxProjection);
                }
            }
            case TASK_SIMILARITY -> {
                if (promptGradient != null) {
                    promptGradient.addi(dScores.sum(true, 0).mmul(keys));
                }
            }
            default -> { }
        }
        if (!inputGradient) {
            return null;
        }
        Encoder encoder = ep.encoder();
        dx.addi(encoder.sharedExpert().backward(ep.shared(), g.dSharedPart(), true));
        for (int k = 0; k < tasks; k++) {
            INDArray dTask = dMixed.mulColumnVector(GatedFusion.column(pass.attention(), k));
            dx.addi(encoder.taskExpert(k).backward(ep.task(k), dTask, true));
        }
        return dx;
    }
}
