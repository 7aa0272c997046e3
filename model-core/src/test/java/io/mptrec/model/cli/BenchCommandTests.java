package io.mptrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bench's scoring table and its verdicts in a very short run: its lines, not its figures (those need a quiet
 * machine); the verdicts' thresholds on given figures.
 */
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
        assertThat(lines).contains("targets   issue #15, judged from the figures above:");
        assertThat(lines).filteredOn(l -> l.startsWith("          no native buffer per scoring pass: "))
                .containsExactly("          no native buffer per scoring pass: at most 0: met");
        assertThat(lines).filteredOn(l -> l.endsWith(": met") || l.endsWith(": missed")).hasSize(6);
    }

    @Test
    void shouldJudgeEachTargetAtItsThreshold() {
        String atThresholds = ConsoleCapture.out(() -> BenchCommand.printTargets(0.40,
                new BenchCommand.Scoring(10, 1.3, 0), new double[] {1, 1}));
        String beyond = ConsoleCapture.out(() -> BenchCommand.printTargets(0.3999,
                new BenchCommand.Scoring(10.01, 1.31, 1), new double[] {0.49, 1.10}));

        assertThat(atThresholds.lines().filter(l -> l.endsWith(": met"))).hasSize(6);
        assertThat(beyond.lines().filter(l -> l.endsWith(": missed"))).hasSize(5);
        assertThat(beyond).contains("training step at least 40 % of the model's-threads product: 40.0 %: missed")
                .contains("no native buffer per scoring pass: at most 1: missed")
                .contains("at least as fast as ONNX Runtime at 1 row: ours/ONNX Runtime 0.49: met")
                .contains("at least as fast as ONNX Runtime at 100 rows: ours/ONNX Runtime 1.10: missed");
    }
}
