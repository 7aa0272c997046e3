package io.mptrec.model.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;

class NativeBuffersTests {

    /**
     * Collections during the counted runs let the deallocator drop entries of earlier runs: the count is then taken
     * again over fewer runs, until none ran meanwhile, and comes out as without them (a training step had been
     * counted at 54 registrations where it makes 383).
     */
    @Test
    void shouldCountRegistrationsAsWithoutCollectionsWhenSomeRunDuringTheRuns() {
        Runnable threeArrays = () -> {
            for (int i = 0; i < 3; i++) {
                Nd4j.create(DataType.FLOAT, 4 + i).addi(1);
            }
        };
        double clean = NativeBuffers.registeredPerRun(threeArrays, 1);
        assertThat(clean).isPositive();

        AtomicInteger calls = new AtomicInteger();
        double counted = NativeBuffers.registeredPerRun(() -> {
            threeArrays.run();
            if (calls.incrementAndGet() % 3 == 0) {
                System.gc();
            }
        }, 10);
        assertThat(counted).isEqualTo(clean);
    }
}
