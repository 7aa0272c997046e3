package io.mptrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's scoring table in a very short run: its lines, not its figures (those need a quiet machine). */
class BenchCommandTests {

    @Test
    void shouldPrintBothEnginesForEachBatchSizeWithNoNativeBufferForTheKernel() {
        String out = ConsoleCapture.out(() -> assertThat(MptrecCommand.execute("bench", "--seconds", "0.01",
                "--artifacts", "../data/census-income-kdd/artifacts", "--task", "income")).isZero());

        List<String> lines = Arrays.asList(out.split("\n"));
        assertThat(out).contains("scoring   task income of ../data/census-income-kdd/artifacts: ").contains(" multiply-adds a row");
        for (int rows : new int[] {1, 10, 100, 1000}) {
            String prefix = String.format("          %4d  ", rows);
            assertThat(lines).filteredOn(l -> l.startsWith(prefix + "gemm")).hasSize(1);
            assertThat(lines).filteredOn(l -> l.startsWith(prefix + "rate")).hasSize(1);
            assertThat(lines).filteredOn(l -> l.startsWith(prefix + "nd4j")).hasSize(1);
            assertThat(lines).filteredOn(l -> l.startsWith(prefix + "java")).singleElement()
                    .satisfies(l -> assertThat(l.trim()).endsWith(" 0"));
        }
    }
}
