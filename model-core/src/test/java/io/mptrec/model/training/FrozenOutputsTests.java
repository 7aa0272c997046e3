package io.mptrec.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.EncoderPass;
import io.mptrec.model.network.GradientCheck;
import io.mptrec.model.network.MultiTaskModel;
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

    @Test
    void shouldTakeAThirdOfTheProcesssNativeBudgetAndNeverLessThanTheFloor() {
        assertThat(FrozenOutputs.maxBytes(2L << 30)).as("the benchmark's 2 GB").isEqualTo((2L << 30) / 3);
        assertThat(FrozenOutputs.maxBytes(256L << 20)).as("tune's 256 MB").isEqualTo(FrozenOutputs.MAX_BYTES);
        assertThat(FrozenOutputs.maxBytes(0)).as("no budget set").isEqualTo(FrozenOutputs.MAX_BYTES);
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
