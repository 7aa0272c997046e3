package io.mptrec.model.network;

import io.mptrec.model.nn.Activations;
import io.mptrec.model.nn.Blas;
import io.mptrec.model.nn.Dense;
import io.mptrec.model.nn.LayerNorm;
import io.mptrec.model.nn.Mlp;
import io.mptrec.model.nn.NativeFloats;
import io.mptrec.model.nn.Parameters;
import io.mptrec.model.nn.StepWorkspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A task prompt trained against the frozen encoder (stage 2): a new task, or a new version of an existing one.
 * a = softmax(Phi(x) P^T / tau), h = sum_k a_k h_k, h~ = h (.) p, z = g[0] h~ + g[1] h_s, y = T(z), with
 * Phi = LayerNorm(relu(x A1) A2). Artifact arrays: {@code prompt}, {@code projection.0.w},
 * {@code projection.1.w}, {@code projection.norm.gamma}, {@code projection.norm.beta} (attention only),
 * {@code gate.w} (learned gate only), {@code tower.{0,1,2}.{w,b}}.
 *
 * <p>Beyond the paper ({@link TuneConfig#isPaper()} false): with {@code attendShared} the attention also weighs the
 * task-sharing expert h_s, through a learned key {@code attention.shared_key}; with an adapter rank r every expert the
 * task reads is a {@link ExpertAdapter} ({@code adapter.<expert>.down}, {@code adapter.<expert>.up}); with
 * {@code wide} a {@link CategoryBias} ({@code wide.w}) adds the row's per-value biases to the logit; with
 * {@code queryResidual} the tower reads z + s (.) Phi(x), s = {@code query_residual.scale} (starting at zero). A pass
 * of points with no rows behind them (attributions) has no wide part: its logit is the deep part's alone. With M prompt
 * tokens the query, the keys, the experts' outputs and the mixture are read as M slices of D/M columns: slice m of the
 * mixture is sum_k a^m_k h_k[m], with a^m = softmax(q[m] K[m]^T / (tau / M)) (the scale keeps a slice's scores those of
 * the whole vector's share); one token is the paper's head, operation for operation.
 */
public final class Stage2Head implements TaskHead {

    /**
     * @param experts the expert outputs the task read: task experts 0..K-1, then the shared one
     * @param adapted the adapters' passes in the same order, or null without an adapter
     * @param query the attention's query LayerNorm(Phi(x)), or null without the attention
     * @param attention the attention weights, rows x (tokens x attended experts), token after token
     * @param logits the tower's output, plus the wide part when the pass has rows
     */
    public record Pass(Mlp.Pass projection, LayerNorm.Pass norm, INDArray query, INDArray attention, int tokens,
                       INDArray mixed, GatedFusion.Pass fusion, Mlp.Pass tower, INDArray[] experts,
                       ExpertAdapter.Pass[] adapted, INDArray logits) implements TaskHead.Pass {

        /** The share of each attended expert in the mixture, rows x attended: the mean of the tokens' weights. */
        public INDArray expertShares() {
            if (tokens == 1) {
                return attention;
            }
            INDArray shares = Nd4j.zeros(DataType.FLOAT, attention.size(0), attention.size(1) / tokens);
            for (int t = 0; t < tokens; t++) {
                shares.addi(tokenWeights(attention, tokens, t));
            }
            return shares.divi(tokens);
        }
    }

    public static final String SHARED_KEY = "attention.shared_key";
    public static final String WIDE = CategoryBias.NAME;
    public static final String QUERY_RESIDUAL = "query_residual.scale";

    private final TuneConfig config;
    private final int tokens;
    private final INDArray prompt;
    private final INDArray promptGradient;
    private final INDArray sharedKey;
    private final INDArray sharedKeyGradient;
    private final Mlp projection;
    private final LayerNorm norm;
    private final GatedFusion fusion;
    private final Mlp tower;
    /** One per task expert, then the shared expert's; null without an adapter. */
    private final List<ExpertAdapter> adapters;
    private final CategoryBias wide;
    /** s of the query residual, 1 x D, or null without one; its gradient, or null when frozen. */
    private final INDArray residualScale;
    private final INDArray residualScaleGradient;

    private Stage2Head(TuneConfig config, INDArray prompt, INDArray promptGradient, INDArray sharedKey,
                       INDArray sharedKeyGradient, Mlp projection, LayerNorm norm, Dense gate, Mlp tower,
                       List<ExpertAdapter> adapters, CategoryBias wide, INDArray residualScale,
                       INDArray residualScaleGradient) {
        this.config = config;
        this.tokens = config.promptTokens();
        this.prompt = prompt.reshape(1, prompt.length());
        this.promptGradient = promptGradient == null ? null : promptGradient.reshape(1, promptGradient.length());
        this.sharedKey = sharedKey == null ? null : sharedKey.reshape(1, sharedKey.length());
        this.sharedKeyGradient = sharedKeyGradient == null ? null : sharedKeyGradient.reshape(1, sharedKeyGradient.length());
        this.projection = projection;
        this.norm = norm;
        this.fusion = new GatedFusion(gate);
        this.tower = tower;
        this.adapters = adapters;
        this.wide = wide;
        this.residualScale = residualScale == null ? null : residualScale.reshape(1, residualScale.length());
        this.residualScaleGradient = residualScaleGradient == null ? null
                : residualScaleGradient.reshape(1, residualScaleGradient.length());
    }

    /** The expert names a stage-2 task reads, in {@link Pass#experts()} order. */
    public static List<String> expertNames(int tasks) {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < tasks; k++) {
            names.add("expert." + k);
        }
        names.add("expert.shared");
        return names;
    }

    public static Parameters declare(TuneConfig config, Encoder encoder, long seed) {
        ModelConfig encoderConfig = encoder.config();
        int inputWidth = encoder.inputWidth();
        int tasks = encoder.tasks();
        Parameters.Builder b = Parameters.builder();
        float l2 = (float) config.l2Dense();
        int d = encoderConfig.expertOutput();
        if (d % config.promptTokens() != 0) {
            throw new IllegalArgumentException("promptTokens " + config.promptTokens()
                    + " must divide the prompt width D = " + d);
        }
        b.add("prompt", Parameters.Init.ONES, 0f, d);
        if (config.fusion() == TuneConfig.Fusion.ATTENTION) {
            b.add("projection.0.w", Parameters.Init.GLOROT_UNIFORM, 0f, inputWidth, d / 2);
            b.add("projection.1.w", Parameters.Init.GLOROT_UNIFORM, 0f, d / 2, d);
            b.add("projection.norm.gamma", Parameters.Init.ONES, 0f, d);
            b.add("projection.norm.beta", Parameters.Init.ZEROS, 0f, d);
        }
        if (config.queryResidual()) {
            // at zero the tower starts from the paper's input, z alone
            b.add(QUERY_RESIDUAL, Parameters.Init.ZEROS, 0f, d);
        }
        if (config.attendShared()) {
            // as the stage-1 prompts, which are the other keys, start
            b.add(SHARED_KEY, Parameters.Init.ONES, 0f, d);
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
        if (config.adapterRank() > 0) {
            for (String expert : expertNames(tasks)) {
                ExpertAdapter.declare(b, expert, inputWidth, encoderConfig.expertHidden(), config.adapterRank());
            }
        }
        if (config.wide()) {
            // no L2: applied to the whole table at every step, Adam's scaling turns it into a pull of about the learning
            // rate per step on every value a batch does not hold, which erases a rare user's bias between its visits
            // (measured on KuaiRand: no gain with the embeddings' 6e-3); early stopping on validation regularises it
            int[] offsets = encoder.vocabularyOffsets();
            b.add(CategoryBias.NAME, Parameters.Init.ZEROS, 0f, offsets[offsets.length - 1]);
        }
        return b.build(seed);
    }

    public static Stage2Head trainable(TuneConfig config, Encoder encoder, Parameters p) {
        boolean attention = config.fusion() == TuneConfig.Fusion.ATTENTION;
        return new Stage2Head(config, p.get("prompt").value(), p.get("prompt").gradient(),
                config.attendShared() ? p.get(SHARED_KEY).value() : null,
                config.attendShared() ? p.get(SHARED_KEY).gradient() : null,
                attention ? new Mlp(List.of(Dense.trainable(p.get("projection.0.w"), null),
                        Dense.trainable(p.get("projection.1.w"), null)), false) : null,
                attention ? LayerNorm.trainable(p.get("projection.norm.gamma"), p.get("projection.norm.beta")) : null,
                config.fixedGate() ? null : Dense.trainable(p.get("gate.w"), null),
                Stage1Head.trainableTower(p, ""),
                adapters(config, encoder, (expert, name) -> ExpertAdapter.trainable(expert, name, p)),
                config.wide() ? CategoryBias.trainable(encoder, p.get(CategoryBias.NAME).value(),
                        p.get(CategoryBias.NAME).gradient()) : null,
                config.queryResidual() ? p.get(QUERY_RESIDUAL).value() : null,
                config.queryResidual() ? p.get(QUERY_RESIDUAL).gradient() : null);
    }

    public static Stage2Head frozen(TuneConfig config, Encoder encoder, Map<String, INDArray> arrays) {
        boolean attention = config.fusion() == TuneConfig.Fusion.ATTENTION;
        return new Stage2Head(config, Stage1Head.require(arrays, "prompt"), null,
                config.attendShared() ? Stage1Head.require(arrays, SHARED_KEY) : null, null,
                attention ? new Mlp(List.of(Dense.frozen(Stage1Head.require(arrays, "projection.0.w"), null),
                        Dense.frozen(Stage1Head.require(arrays, "projection.1.w"), null)), false) : null,
                attention ? LayerNorm.frozen(Stage1Head.require(arrays, "projection.norm.gamma"),
                        Stage1Head.require(arrays, "projection.norm.beta")) : null,
                config.fixedGate() ? null : Dense.frozen(Stage1Head.require(arrays, "gate.w"), null),
                Stage1Head.frozenTower(arrays),
                adapters(config, encoder, (expert, name) -> ExpertAdapter.frozen(expert, name,
                        array -> Stage1Head.require(arrays, array))),
                config.wide() ? CategoryBias.frozen(encoder, Stage1Head.require(arrays, CategoryBias.NAME)) : null,
                config.queryResidual() ? Stage1Head.require(arrays, QUERY_RESIDUAL) : null, null);
    }

    private static List<ExpertAdapter> adapters(TuneConfig config, Encoder encoder,
                                                BiFunction<Mlp, String, ExpertAdapter> adapter) {
        if (config.adapterRank() == 0) {
            return null;
        }
        List<String> names = expertNames(encoder.tasks());
        List<ExpertAdapter> adapters = new ArrayList<>();
        for (int e = 0; e < names.size(); e++) {
            adapters.add(adapter.apply(e < encoder.tasks() ? encoder.taskExpert(e) : encoder.sharedExpert(), names.get(e)));
        }
        return adapters;
    }

    public TuneConfig config() {
        return config;
    }

    /** Whether the head reads the experts' inputs rather than their frozen outputs (it adapts them). */
    public boolean adaptsExperts() {
        return adapters != null;
    }

    @Override
    public Pass forward(EncoderPass ep) {
        INDArray x = ep.input();
        long rows = x.size(0);
        int tasks = ep.encoder().tasks();
        INDArray[] experts = new INDArray[tasks + 1];
        ExpertAdapter.Pass[] adapted = adapters == null ? null : new ExpertAdapter.Pass[tasks + 1];
        for (int e = 0; e <= tasks; e++) {
            if (adapted != null) {
                adapted[e] = adapters.get(e).forward(x);
                experts[e] = adapted[e].output();
            } else {
                experts[e] = (e < tasks ? ep.task(e) : ep.shared()).output();
            }
        }
        INDArray keys = keys(ep.encoder());
        int attended = (int) keys.size(0);
        Mlp.Pass projected = null;
        LayerNorm.Pass normalised = null;
        INDArray query = null;
        INDArray attention;
        switch (config.fusion()) {
            case ATTENTION -> {
                projected = projection.forward(x);
                normalised = norm.normalise(projected.output());
                query = norm.forward(normalised);
                // token t's scores into its block of columns
                INDArray scores = StepWorkspace.uninitialized(rows, (long) tokens * attended);
                for (int t = 0; t < tokens; t++) {
                    Blas.gemm(token(query, t), false, token(keys, t), true, tokenWeights(scores, tokens, t), 0f);
                }
                INDArray scaled = NativeFloats.divi(scores, tokenTemperature());
                attention = byRow(Activations.softmaxRows(byToken(scaled)), rows);
            }
            case TASK_SIMILARITY -> {
                // one distribution for every row: the prompt's similarity to each key
                INDArray similarity = Activations.softmaxRows(NativeFloats.divi(Blas.product(prompt, false, keys, true),
                        config.temperature()));
                attention = StepWorkspace.uninitialized(rows, attended);
                Blas.setRows(attention, similarity);
            }
            default -> {
                float[] uniform = new float[(int) rows * attended];
                java.util.Arrays.fill(uniform, 1.0f / attended);
                attention = NativeFloats.array(uniform, rows, attended);
            }
        }
        // token after token as rows of their own, so that each expert is one operation whatever the tokens
        INDArray weights = byToken(attention);
        INDArray[] attendedExperts = new INDArray[attended];
        for (int k = 0; k < attended; k++) {
            // with attendShared, column K weighs the shared expert (experts[K])
            attendedExperts[k] = byToken(experts[k]);
        }
        INDArray mixed = byRow(NativeFloats.weightedSum(attendedExperts, weights, true), rows);
        GatedFusion.Pass fused = fusion.forward(x, NativeFloats.timesRow(mixed, prompt), experts[tasks]);
        // the residual's array takes the sum (the same either way round)
        Mlp.Pass towerPass = tower.forward(residualScale == null ? fused.fused()
                : NativeFloats.addi(NativeFloats.timesRow(query, residualScale), fused.fused()));
        // the wide part's array takes the sum (the same either way round)
        INDArray logits = wide == null || ep.rows() == null ? towerPass.output()
                : NativeFloats.addi(wide.forward(ep.rows()), towerPass.output());
        return new Pass(projected, normalised, query, attention, tokens, mixed, fused, towerPass, experts, adapted,
                logits);
    }

    /**
     * m, rows x (M x w), as (rows x M) x w: row r's token t is row r M + t, which a C-order reshape gives without a
     * copy of a dense m. Then the tokens' softmax, mixture and their gradients are the one-token head's operations on
     * more rows, in the same arithmetic order; m itself with one token.
     */
    private INDArray byToken(INDArray m) {
        return tokens == 1 ? m : StepWorkspace.reshaped(m, m.size(0) * tokens, m.size(1) / tokens);
    }

    /** The inverse of {@link #byToken}: (rows x M) x w as rows x (M x w); m itself with one token. */
    private INDArray byRow(INDArray m, long rows) {
        return tokens == 1 ? m : StepWorkspace.reshaped(m, rows, m.length() / rows);
    }

    /** Token t's columns of m (a view), or m itself with one token. */
    private INDArray token(INDArray m, int t) {
        if (tokens == 1) {
            return m;
        }
        long width = m.size(1) / tokens;
        return StepWorkspace.columns(m, t * width, (t + 1) * width);
    }

    /** Token t's attention weights over the attended experts (a view), or all of them with one token. */
    private static INDArray tokenWeights(INDArray attention, int tokens, int t) {
        if (tokens == 1) {
            return attention;
        }
        long attended = attention.size(1) / tokens;
        return StepWorkspace.columns(attention, t * attended, (t + 1) * attended);
    }

    /** tau / M: a token's scores are dot products over D/M values. */
    private double tokenTemperature() {
        return config.temperature() / tokens;
    }

    /** The attention's keys: the stage-1 prompts, and the shared expert's learned key when it is attended. */
    private INDArray keys(Encoder encoder) {
        return sharedKey == null ? encoder.prompts() : NativeFloats.stackRows(encoder.prompts(), sharedKey);
    }

    @Override
    public INDArray backward(EncoderPass ep, TaskHead.Pass taskPass, INDArray dLogits, boolean inputGradient) {
        Pass pass = (Pass) taskPass;
        INDArray x = ep.input();
        int tasks = ep.encoder().tasks();
        INDArray keys = keys(ep.encoder());
        int attended = (int) keys.size(0);
        if (wide != null && ep.rows() != null) {
            wide.backward(ep.rows(), dLogits);
        }
        INDArray dFused = tower.backward(pass.tower(), dLogits, true);
        // the query residual passes dFused on to s (.) Phi(x)
        INDArray dQueryResidual = null;
        if (residualScale != null) {
            if (residualScaleGradient != null) {
                NativeFloats.addColumnSumsOfProducts(dFused, pass.query(), residualScaleGradient);
            }
            dQueryResidual = NativeFloats.timesRow(dFused, residualScale);
        }
        GatedFusion.Gradients g = fusion.backward(x, pass.fusion(), dFused, inputGradient);
        if (promptGradient != null) {
            NativeFloats.addColumnSumsOfProducts(g.dTaskPart(), pass.mixed(), promptGradient);
        }
        INDArray dMixed = NativeFloats.timesRow(g.dTaskPart(), prompt);
        INDArray dMixedByToken = byToken(dMixed);
        INDArray dAttention = StepWorkspace.uninitialized(x.size(0) * tokens, attended);
        for (int k = 0; k < attended; k++) {
            NativeFloats.rowDotsInto(dMixedByToken, byToken(pass.experts()[k]), dAttention, k);
        }
        INDArray dScoresByToken = byRow(NativeFloats.divi(Activations.softmaxRowsBackward(byToken(pass.attention()),
                dAttention), tokenTemperature()), x.size(0));
        INDArray[] dScores = new INDArray[tokens];
        for (int t = 0; t < tokens; t++) {
            dScores[t] = tokenWeights(dScoresByToken, tokens, t);
        }
        INDArray dx = inputGradient ? g.dInput() : null;
        switch (config.fusion()) {
            case ATTENTION -> {
                if (sharedKeyGradient != null) {
                    for (int t = 0; t < tokens; t++) {
                        // column `tasks` of token t's block
                        NativeFloats.addi(token(sharedKeyGradient, t), Blas.product(
                                NativeFloats.column(dScoresByToken, t * attended + tasks), true, token(pass.query(), t),
                                false));
                    }
                }
                // token t's gradient into its block of columns
                INDArray dQuery = StepWorkspace.uninitialized(x.size(0), keys.size(1));
                for (int t = 0; t < tokens; t++) {
                    Blas.gemm(dScores[t], false, token(keys, t), false, token(dQuery, t), 0f);
                }
                if (dQueryResidual != null) {
                    NativeFloats.addi(dQuery, dQueryResidual);
                }
                INDArray dProjected = norm.backward(pass.norm(), dQuery);
                INDArray dxProjection = projection.backward(pass.projection(), dProjected, inputGradient);
                if (inputGradient) {
                    NativeFloats.addi(dx, dxProjection);
                }
            }
            case TASK_SIMILARITY -> {
                if (promptGradient != null) { // one token: ATTENTION only beyond
                    INDArray dSimilarity = StepWorkspace.zeros(1, attended);
                    NativeFloats.addColumnSums(dScores[0], dSimilarity);
                    NativeFloats.addi(promptGradient, Blas.product(dSimilarity, false, keys, false));
                }
            }
            default -> { }
        }
        if (!inputGradient && adapters == null) {
            return null;
        }
        // dL/d(each expert's output): through the mixture, and for the shared expert through the gate as well
        INDArray[] dExperts = new INDArray[tasks + 1];
        for (int e = 0; e <= tasks; e++) {
            if (e >= attended) {
                continue;
            }
            INDArray weighted = NativeFloats.timesColumn(dMixedByToken, byToken(pass.attention()), e);
            dExperts[e] = byRow(weighted, dMixed.size(0));
        }
        dExperts[tasks] = dExperts[tasks] == null ? g.dSharedPart()
                : NativeFloats.addi(dExperts[tasks], g.dSharedPart());
        Encoder encoder = ep.encoder();
        for (int i = 0; i <= tasks; i++) {
            int e = (i + tasks) % (tasks + 1); // the shared expert first: the summation order of the paper's head
            INDArray dxExpert = adapters != null
                    ? adapters.get(e).backward(x, pass.adapted()[e], dExperts[e], inputGradient)
                    : (e < tasks ? encoder.taskExpert(e).backward(ep.task(e), dExperts[e], true)
                            : encoder.sharedExpert().backward(ep.shared(), dExperts[e], true));
            if (inputGradient) {
                NativeFloats.addi(dx, dxExpert);
            }
        }
        return dx;
    }
}
