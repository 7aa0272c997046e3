package io.mptrec.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.EncoderPass;
import io.mptrec.model.network.GradientCheck;
import io.mptrec.model.network.MultiTaskModel;
import io.mptrec.model.network.Predictions;
import io.mptrec.model.network.PromptTuningModel;
import io.mptrec.model.network.Stage2Head;
import io.mptrec.model.network.TuneConfig;
import io.mptrec.model.nn.FloatVectors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class FrozenOutputsTests {

    private static final EncodedRows ROWS = GradientCheck.tinyRows(10, 1);

    private static Encoder frozenEncoder() {
        MultiTaskModel stage1 = MultiTaskModel.create(GradientCheck.tinyConfig(), 3, GradientCheck.TINY_VOCABULARIES,
                List.of("a", "b"), 3);
        return Encoder.frozen(stage1.config(), 3, GradientCheck.TINY_VOCABULARIES, 2, stage1.encoderArrays());
    }

    @Test
    void shouldGiveTheEncodersOwnPassForEachBatchAndFreeItsMemoryOnClose() {
        Encoder encoder = frozenEncoder();
        int[] positions = {7, 2, 9};
        EncoderPass direct = new EncoderPass(encoder, ROWS.select(positions));
        FrozenOutputs frozen = FrozenOutputs.of(encoder, ROWS, false);
        EncoderPass precomputed = frozen.pass(positions);

        assertThat(FloatVectors.of(precomputed.input())).containsExactly(FloatVectors.of(direct.input()));
        assertThat(FloatVectors.of(precomputed.shared().output()))
                .containsExactly(FloatVectors.of(direct.shared().output()), offset(1e-6f));
        for (int k = 0; k < encoder.tasks(); k++) {
            assertThat(FloatVectors.of(precomputed.task(k).output()))
                    .containsExactly(FloatVectors.of(direct.task(k).output()), offset(1e-6f));
        }
        List<INDArray> held = frozen.held();
        assertThat(held).hasSize(1 + 1 + encoder.tasks()).noneMatch(INDArray::wasClosed);

        frozen.close();

        assertThat(held).allMatch(INDArray::wasClosed);
    }

    /**
     * Validation scored from kept outputs gives the encoder's own probabilities bit for bit, over several of the
     * scoring batches (4,096 rows each), for a head that reads the experts' outputs and one that adapts them (inputs
     * kept).
     */
    @Test
    void shouldScoreFromTheKeptOutputsAsTheEncodersOwnPass() {
        Encoder encoder = frozenEncoder();
        EncodedRows rows = GradientCheck.tinyRows(9000, 5);
        for (TuneConfig config : List.of(TuneConfig.defaults(), TuneConfig.defaults().withPath(true, 2, true))) {
            Stage2Head head = new PromptTuningModel(encoder, config, 4).head();
            float[] computed = Predictions.of(encoder, List.of(head), rows)[0];
            try (FrozenOutputs kept = FrozenOutputs.of(encoder, rows, head.adaptsExperts())) {
                assertThat(kept.bytes()).as("kept").isPositive();
                assertThat(kept.predict(head)).as(config.toString()).containsExactly(computed);
            }
            try (FrozenOutputs none = FrozenOutputs.of(encoder, rows, false, 0)) {
                assertThat(none.bytes()).isZero();
                assertThat(none.predict(head)).as("computed when asked for").containsExactly(computed);
            }
        }
    }

    @Test
    void shouldHoldNothingWhenEachPassIsComputedWhenAskedFor() {
        Encoder encoder = frozenEncoder();
        FrozenOutputs frozen = FrozenOutputs.of(encoder, ROWS, false, 0);
        int[] positions = {1, 4};

        assertThat(frozen.held()).isEmpty();
        assertThat(FloatVectors.of(frozen.pass(positions).input()))
                .containsExactly(FloatVectors.of(new EncoderPass(encoder, ROWS.select(positions)).input()));
        frozen.close();
        assertThat(FloatVectors.of(frozen.pass(positions).input())).as("after close, computed as before")
                .containsExactly(FloatVectors.of(new EncoderPass(encoder, ROWS.select(positions)).input()));
    }
}
