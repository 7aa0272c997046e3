package io.mptrec.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.EncodedSource;
import io.mptrec.model.data.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EpochPlanTests {

    private static final int ROWS = 1_000;
    private static final int BATCH = 64;

    /** Row i carries the value i, as its one numeric field and as its label. */
    private static SplitData numbered(EncodedSource encoded) {
        int[] rows = new int[ROWS];
        float[] labels = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            rows[i] = i;
            labels[i] = i;
        }
        return new SplitData(Split.TRAIN, rows, encoded, new float[][] {labels});
    }

    private static EncodedRows numberedRows() {
        float[] x = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            x[i] = i;
        }
        return new EncodedRows(ROWS, 1, 0, x, new int[0]);
    }

    @Test
    void shouldReadEachBatchAheadInThePlansOrder() {
        List<int[]> planned = new ArrayList<>();
        EpochPlan.forEachBatch(ROWS, 5, 2, BATCH, (step, positions) -> planned.add(positions));

        List<int[]> read = new ArrayList<>();
        EpochPlan.forEachBatch(numbered(numberedRows()), 5, 2, BATCH, (step, batch) -> {
            assertThat(step).isEqualTo(read.size());
            int[] positions = batch.positions();
            float[] expected = new float[positions.length];
            for (int i = 0; i < positions.length; i++) {
                expected[i] = positions[i];
            }
            assertThat(batch.rows().numeric()).as("step %d's rows", step).containsExactly(expected);
            assertThat(batch.labels()[0]).as("step %d's labels", step).containsExactly(expected);
            read.add(positions);
        });
        assertThat(read).hasSize(EpochPlan.steps(ROWS, BATCH)).containsExactlyElementsOf(planned);
    }

    /** A batch that cannot be read fails the epoch with the reader's own exception, after the steps before it. */
    @Test
    void shouldFailWithTheReadersException() {
        AtomicInteger reads = new AtomicInteger();
        EncodedRows rows = numberedRows();
        EncodedSource failingThird = new EncodedSource() {
            @Override
            public int rows() {
                return ROWS;
            }

            @Override
            public EncodedRows select(int[] positions) {
                if (reads.incrementAndGet() == 3) {
                    throw new IllegalStateException("disk gone");
                }
                return rows.select(positions);
            }

            @Override
            public EncodedRows range(int start, int end) {
                return rows.range(start, end);
            }
        };
        AtomicInteger steps = new AtomicInteger();
        assertThatThrownBy(() -> EpochPlan.forEachBatch(numbered(failingThird), 5, 1, BATCH,
                (step, batch) -> steps.incrementAndGet()))
                .isInstanceOf(IllegalStateException.class).hasMessage("disk gone");
        assertThat(steps).hasValue(2);
    }
}
