package io.mptrec.model.network;

import io.mptrec.model.nn.FloatVectors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.inference.NativeBuffers;
import io.mptrec.model.nn.AdamOptimizer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PromptTuningModelTests {

    private static final EncodedRows ROWS = GradientCheck.tinyRows(8, 1);
    private static final float[] LABELS = GradientCheck.tinyLabels(8, 5);

    private static Encoder frozenEncoder() {
        MultiTaskModel stage1 = MultiTaskModel.create(GradientCheck.tinyConfig(), 3, GradientCheck.TINY_VOCABULARIES,
                List.of("a", "b", "c"), 3);
        // a few steps so that the frozen prompts differ from one another
        float[][] labels = {GradientCheck.tinyLabels(8, 2), GradientCheck.tinyLabels(8, 3), GradientCheck.tinyLabels(8, 4)};
        for (int i = 0; i < 30; i++) {
            stage1.trainStep(ROWS, labels, null, 0);
        }
        return Encoder.frozen(stage1.config(), 3, GradientCheck.TINY_VOCABULARIES, 3, stage1.encoderArrays());
    }

    /**
     * The stage-2 variants both tests below run: fusion, fixed gate, shared expert attended, adapter rank, wide part,
     * prompt tokens, query residual. The second is the default's.
     */
    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of(TuneConfig.Fusion.ATTENTION, false, false, 0, false, 1, false),
                Arguments.of(TuneConfig.Fusion.ATTENTION, false, true, 0, true, 1, false),
                Arguments.of(TuneConfig.Fusion.ATTENTION, true, false, 0, false, 1, false),
                Arguments.of(TuneConfig.Fusion.UNIFORM, false, false, 0, false, 1, false),
                Arguments.of(TuneConfig.Fusion.TASK_SIMILARITY, false, false, 0, false, 1, false),
                Arguments.of(TuneConfig.Fusion.ATTENTION, false, true, 0, false, 1, false),
                Arguments.of(TuneConfig.Fusion.ATTENTION, false, false, 2, false, 1, false),
                Arguments.of(TuneConfig.Fusion.UNIFORM, false, false, 3, false, 1, false),
                Arguments.of(TuneConfig.Fusion.ATTENTION, false, false, 0, true, 1, false),
                Arguments.of(TuneConfig.Fusion.ATTENTION, false, true, 2, true, 1, false),
                Arguments.of(TuneConfig.Fusion.ATTENTION, false, false, 0, false, 2, false),
                Arguments.of(TuneConfig.Fusion.ATTENTION, false, true, 2, true, 2, false),
                Arguments.of(TuneConfig.Fusion.ATTENTION, true, true, 0, false, 4, false),
                Arguments.of(TuneConfig.Fusion.ATTENTION, false, false, 0, false, 1, true),
                Arguments.of(TuneConfig.Fusion.ATTENTION, false, true, 0, true, 1, true),
                Arguments.of(TuneConfig.Fusion.ATTENTION, true, true, 2, true, 2, true));
    }

    @ParameterizedTest(name = "{0}, fixed gate {1}, shared expert attended {2}, adapter rank {3}, wide {4}, tokens {5},"
            + " query residual {6}")
    @MethodSource("variants")
    void shouldMatchFiniteDifferencesForEveryStage2Parameter(TuneConfig.Fusion fusion, boolean fixedGate,
                                                            boolean attendShared, int adapterRank, boolean wide,
                                                            int promptTokens, boolean queryResidual) {
        // a low temperature makes the attention's gradient large enough to check in float32
        TuneConfig config = new TuneConfig(fusion, fixedGate, 0.5, 1e-2, 8, 3e-3, 1, 1, attendShared, adapterRank, wide,
                promptTokens, queryResidual);
        PromptTuningModel model = new PromptTuningModel(frozenEncoder(), config, 9);
        stepAwayFromZeroStarts(model);
        GradientCheck.check(model.parameters(), () -> model.computeGradients(ROWS, LABELS), List.of());
    }

    /**
     * An adapter's B starts at zero, where A's gradient is zero too; so does the query residual's scale, where the
     * query's gradient through it is zero: a few steps make both checkable.
     */
    private static void stepAwayFromZeroStarts(PromptTuningModel model) {
        TuneConfig config = model.head().config();
        if (config.queryResidual() || config.adapterRank() > 0) {
            for (int i = 0; i < 5; i++) {
                model.trainStep(ROWS, LABELS);
            }
        }
        if (config.queryResidual()) {
            assertThat(FloatVectors.of(model.parameters().get(Stage2Head.QUERY_RESIDUAL).value()))
                    .as("s after 5 steps").isNotEqualTo(new float[GradientCheck.tinyConfig().expertOutput()]);
        }
        if (model.head().adaptsExperts()) {
            assertThat(FloatVectors.of(model.parameters().get(ExpertAdapter.upName("expert.0")).value()))
                    .as("B after 5 steps").isNotEqualTo(new float[GradientCheck.tinyConfig().expertHidden() * model.head()
                            .config().adapterRank()]);
        }
    }

    /**
     * A stage-2 step registers no native buffer with ND4J's deallocator once its arrays are kept, in every variant: the
     * default's parts (attention over the experts and the shared expert, LayerNorm, the gate, the wide part), the
     * paper's head, the uniform and task-similarity attentions, the fixed gate, the adapters, several prompt tokens and
     * the query residual.
     */
    @ParameterizedTest(name = "{0}, fixed gate {1}, shared expert attended {2}, adapter rank {3}, wide {4}, tokens {5},"
            + " query residual {6}")
    @MethodSource("variants")
    void shouldRegisterNoNativeBufferInAStep(TuneConfig.Fusion fusion, boolean fixedGate, boolean attendShared,
                                             int adapterRank, boolean wide, int tokens, boolean queryResidual) {
        TuneConfig config = new TuneConfig(fusion, fixedGate, 0.5, 1e-2, 8, 3e-3, 1, 1, attendShared, adapterRank, wide,
                tokens, queryResidual);
        PromptTuningModel model = new PromptTuningModel(frozenEncoder(), config, 9);
        model.trainStep(ROWS, LABELS);
        assertThat(NativeBuffers.registeredPerRun(() -> model.trainStep(ROWS, LABELS), 10)).isZero();
    }

    @Test
    void shouldStartAnAdaptedPathFromTheFrozenExpertsOutput() {
        Encoder encoder = frozenEncoder();
        TuneConfig config = new TuneConfig(TuneConfig.Fusion.ATTENTION, false, 0.5, 1e-3, 8, 0, 1, 1, false, 4, false);
        PromptTuningModel adapted = new PromptTuningModel(encoder, config, 9);
        Stage2Head.Pass pass = adapted.head().forward(new EncoderPass(encoder, encoder.input(ROWS)));
        EncoderPass frozen = new EncoderPass(encoder, encoder.input(ROWS));
        // B = 0: x (W0 + A B) + b0 is x W0 + b0 up to adding exact zeros
        assertThat(FloatVectors.of(pass.experts()[0])).containsExactly(FloatVectors.of(frozen.task(0).output()));
        assertThat(FloatVectors.of(pass.experts()[3])).containsExactly(FloatVectors.of(frozen.shared().output()));
    }

    /** trainStep runs in a reused ND4J workspace; outside any workspace the same steps give the same prompt, bit for bit. */
    @Test
    void shouldStepInItsWorkspaceExactlyAsOutsideIt() {
        TuneConfig config = new TuneConfig(TuneConfig.Fusion.ATTENTION, false, 1.0, 1e-2, 8, 1e-4, 1, 1, true, 2, true);
        Encoder encoder = frozenEncoder();
        PromptTuningModel inWorkspace = new PromptTuningModel(encoder, config, 4);
        PromptTuningModel outside = new PromptTuningModel(encoder, config, 4);
        AdamOptimizer adam = new AdamOptimizer(outside.parameters(), config.learningRate());
        for (int i = 0; i < 10; i++) {
            int n = i % 3 == 1 ? 5 : 8;
            float[] labels = Arrays.copyOf(LABELS, n);
            double loss = inWorkspace.trainStep(ROWS.range(0, n), labels);
            assertThat(loss).isEqualTo(outside.computeGradients(ROWS.range(0, n), labels));
            adam.step();
        }
        assertThat(inWorkspace.parameters().snapshot()).containsExactly(outside.parameters().snapshot());
    }

    @ParameterizedTest(name = "{0}, shared expert attended {1}, adapter rank {2}, tokens {3}, query residual {4}")
    @CsvSource({"ATTENTION,false,0,1,false", "UNIFORM,false,0,1,false", "TASK_SIMILARITY,false,0,1,false",
            "ATTENTION,true,0,1,false", "ATTENTION,true,2,1,false", "UNIFORM,false,2,1,false",
            "ATTENTION,false,0,2,false", "ATTENTION,true,2,4,false", "ATTENTION,false,0,1,true",
            "ATTENTION,true,2,2,true"})
    void shouldMatchFiniteDifferencesForTheInputGradient(TuneConfig.Fusion fusion, boolean attendShared, int adapterRank,
                                                         int promptTokens, boolean queryResidual) {
        TuneConfig config = new TuneConfig(fusion, false, 0.5, 1e-2, 8, 0, 1, 1, attendShared, adapterRank, false,
                promptTokens, queryResidual);
        PromptTuningModel model = new PromptTuningModel(frozenEncoder(), config, 9);
        stepAwayFromZeroStarts(model);
        Encoder encoder = model.encoder();
        org.nd4j.linalg.api.ndarray.INDArray x = encoder.input(ROWS);
        EncoderPass ep = new EncoderPass(encoder, x);
        TaskHead.Pass pass = model.head().forward(ep);
        org.nd4j.linalg.api.ndarray.INDArray ones = org.nd4j.linalg.factory.Nd4j.onesLike(pass.logits());
        float[] analytic = FloatVectors.of(model.head().backward(ep, pass, ones, true));
        float[] values = FloatVectors.of(x);
        for (int i = 0; i < values.length; i += 3) {
            org.nd4j.linalg.api.ndarray.INDArray plus = x.dup();
            plus.putScalar(i, values[i] + 1e-3);
            org.nd4j.linalg.api.ndarray.INDArray minus = x.dup();
            minus.putScalar(i, values[i] - 1e-3);
            double numeric = (sumLogits(model, encoder, plus) - sumLogits(model, encoder, minus)) / 2e-3;
            assertThat(analytic[i]).as("dlogits/dx[%d]", i).isCloseTo((float) numeric,
                    org.assertj.core.data.Offset.offset((float) Math.max(2e-3, 0.05 * Math.abs(numeric))));
        }
    }

    private static double sumLogits(PromptTuningModel model, Encoder encoder, org.nd4j.linalg.api.ndarray.INDArray x) {
        return model.head().forward(new EncoderPass(encoder, x)).logits().sumNumber().doubleValue();
    }

    /** One token is the paper's head; several must divide the prompt width (tiny D = 4) and need the attention. */
    @Test
    void shouldRefuseTokensThatDoNotDivideThePromptWidthOrLackTheAttention() {
        Encoder encoder = frozenEncoder();
        TuneConfig paper = new TuneConfig(TuneConfig.Fusion.ATTENTION, false, 0.5, 1e-2, 8, 0, 1, 1, false, 0, false);
        assertThat(paper.promptTokens()).isEqualTo(1);
        assertThat(paper.isPaper()).isTrue();
        assertThat(paper.withPromptTokens(2).isPaper()).isFalse();
        assertThatThrownBy(() -> new PromptTuningModel(encoder, paper.withPromptTokens(3), 9))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("promptTokens 3 must divide the prompt width D = 4");
        assertThatThrownBy(() -> paper.withFusion(TuneConfig.Fusion.UNIFORM, false).withPromptTokens(2))
                .hasMessage("several prompt tokens need the ATTENTION fusion, not UNIFORM");
        assertThatThrownBy(() -> paper.withPromptTokens(TuneConfig.MAX_PROMPT_TOKENS + 1))
                .hasMessage("promptTokens must be between 1 and 16, was 17");
    }

    /** A manifest names the tokens only when there are several: one-token artifacts keep their content hash. */
    @Test
    void shouldNameThePromptTokensInTheManifestOnlyWhenSeveral() throws Exception {
        String paper = io.mptrec.model.artifact.CanonicalJson.write(TuneConfig.paper());
        assertThat(paper).doesNotContain("promptTokens");
        String tokens = io.mptrec.model.artifact.CanonicalJson.write(TuneConfig.paper().withPromptTokens(4));
        assertThat(tokens).contains("\"promptTokens\":4");
        var mapper = io.mptrec.model.artifact.CanonicalJson.MAPPER;
        assertThat(mapper.readValue(paper, TuneConfig.class)).isEqualTo(TuneConfig.paper());
        assertThat(mapper.readValue(tokens, TuneConfig.class)).isEqualTo(TuneConfig.paper().withPromptTokens(4));
    }
}
