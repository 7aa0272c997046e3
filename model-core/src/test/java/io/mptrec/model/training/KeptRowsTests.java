package io.mptrec.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.model.nn.FloatVectors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class KeptRowsTests {

    /** The Java gather copies: ND4J's own gather's values, bit for bit, for any positions, inside a workspace too. */
    @Test
    void shouldGatherTheRowsAsNd4jsPullRowsDoes() {
        INDArray matrix = Nd4j.rand(DataType.FLOAT, 50, 7).subi(0.5);
        matrix.putScalar(3, 2, -0.0f);
        matrix.putScalar(4, 1, Float.NaN);
        int[] positions = {49, 3, 3, 0, 4, 17};

        INDArray gathered = KeptRows.rows(matrix, positions);

        assertThat(gathered.shape()).containsExactly(positions.length, 7);
        assertThat(bits(gathered)).containsExactly(bits(Nd4j.pullRows(matrix, 1, positions)));
        WorkspaceConfiguration config = WorkspaceConfiguration.builder().initialSize(1 << 16).build();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(config, "frozen-outputs-test")) {
            INDArray inside = KeptRows.rows(matrix, positions);
            assertThat(inside.isAttached()).as("made in the caller's workspace").isTrue();
            assertThat(bits(inside)).containsExactly(bits(Nd4j.pullRows(matrix, 1, positions)));
        }
        INDArray view = matrix.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 4));
        assertThat(bits(KeptRows.rows(view, positions))).as("a strided view goes to ND4J's gather")
                .containsExactly(bits(Nd4j.pullRows(view.dup(), 1, positions)));
    }

    private static int[] bits(INDArray a) {
        float[] values = FloatVectors.of(a);
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @Test
    void shouldTakeAThirdOfTheProcesssNativeBudgetAndNeverLessThanTheFloor() {
        assertThat(KeptRows.maxBytes(2L << 30)).as("the benchmark's 2 GB").isEqualTo((2L << 30) / 3);
        assertThat(KeptRows.maxBytes(256L << 20)).as("tune's 256 MB").isEqualTo(KeptRows.MAX_BYTES);
        assertThat(KeptRows.maxBytes(0)).as("no budget set").isEqualTo(KeptRows.MAX_BYTES);
    }

}
