package io.mptrec.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.inference.NativeBuffers;
import io.mptrec.model.network.Batches;
import io.mptrec.model.network.GradientCheck;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.training.KeptRows;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExpertNetworkTests {

    private static final EncodedRows ROWS = GradientCheck.tinyRows(8, 1);
    private static final float[][] LABELS = {GradientCheck.tinyLabels(8, 2), GradientCheck.tinyLabels(8, 3)};
    private static final List<String> TASKS = List.of("a", "b");

    private static ExpertNetwork create(String kind, List<String> tasks, long seed) {
        ModelConfig c = GradientCheck.tinyConfig();
        int[] v = GradientCheck.TINY_VOCABULARIES;
        return switch (kind) {
            case "shared_bottom" -> ExpertNetwork.sharedBottom(c, 3, v, tasks, seed);
            case "mmoe" -> ExpertNetwork.mmoe(c, 3, v, tasks, 3, seed);
            case "ple" -> ExpertNetwork.ple(c, 3, v, tasks, seed);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shared_bottom", "mmoe", "ple"})
    void shouldMatchFiniteDifferencesForEveryParameter(String kind) {
        ExpertNetwork model = create(kind, TASKS, 17);
        GradientCheck.check(model.parameters(), () -> model.computeGradients(ROWS, LABELS), List.of());
    }

    @Test
    void shouldMatchFiniteDifferencesForTheSingleTaskNetwork() {
        ExpertNetwork model = create("shared_bottom", List.of("a"), 7);
        assertThat(model.name()).isEqualTo("single_task");
        GradientCheck.check(model.parameters(), () -> model.computeGradients(ROWS, new float[][] {LABELS[0]}), List.of());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shared_bottom", "mmoe"})
    void shouldMatchFiniteDifferencesForTheNewTaskHeadOnFrozenExperts(String kind) {
        ExpertNetwork trained = trained(kind, 5);
        ExpertNetwork head = ExpertNetwork.newTask(trained, "c", 9);
        assertThat(head.name()).isEqualTo("frozen_" + kind);
        assertThat(head.parameters().all()).extracting(p -> p.name())
                .allMatch(n -> n.startsWith("task.0."))
                .contains("task.0.tower.0.w")
                .hasSize(kind.equals("mmoe") ? 7 : 6);
        float[][] labels = {GradientCheck.tinyLabels(8, 4)};
        GradientCheck.check(head.parameters(), () -> head.computeGradients(ROWS, labels), List.of());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shared_bottom", "mmoe"})
    void shouldLeaveTheTrainedNetworkBitIdenticalWhenANewTaskIsTrained(String kind) {
        ExpertNetwork trained = trained(kind, 5);
        float[][] before = trained.predict(ROWS);
        float[] weights = trained.parameters().snapshot();
        ExpertNetwork head = ExpertNetwork.newTask(trained, "c", 9);
        float[] frozenOut = head.predict(ROWS)[0];
        for (int i = 0; i < 50; i++) {
            head.trainStep(ROWS, new float[][] {GradientCheck.tinyLabels(8, 4)});
        }
        assertThat(head.predict(ROWS)[0]).isNotEqualTo(frozenOut);
        assertThat(trained.parameters().snapshot()).containsExactly(weights);
        assertThat(trained.predict(ROWS)[0]).containsExactly(before[0]);
        assertThat(trained.predict(ROWS)[1]).containsExactly(before[1]);
    }

    /**
     * The new-task head steps on kept frozen arrays as on its own pass (to float rounding: the kept arrays came from
     * passes over 4,096 rows), and scores kept rows as its own pass does, bit for bit (the same batches of rows).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shared_bottom", "mmoe"})
    void shouldTrainAndScoreTheNewTaskHeadFromKeptFrozenArraysAsFromItsOwnPass(String kind) {
        ExpertNetwork trained = trained(kind, 5);
        ExpertNetwork computed = ExpertNetwork.newTask(trained, "c", 9);
        ExpertNetwork fromKept = ExpertNetwork.newTask(trained, "c", 9);
        EncodedRows rows = GradientCheck.tinyRows(9000, 6);
        float[][] labels = {GradientCheck.tinyLabels(9000, 4)};
        try (KeptRows kept = KeptRows.of(rows, fromKept.frozenWidths(), fromKept::frozenPass, KeptRows.maxBytes())) {
            assertThat(kept.isKept()).isTrue();
            for (int i = 0; i < 20; i++) {
                int[] positions = {8999 - i, 3, 4100 + i, 17, 3};
                float[][] batchLabels = Batches.select(labels, positions);
                computed.trainStep(rows.select(positions), batchLabels);
                fromKept.trainStep(() -> kept.rows(positions), batchLabels);
            }
            float[] weights = computed.parameters().snapshot();
            assertThat(weights).isNotEqualTo(ExpertNetwork.newTask(trained, "c", 9).parameters().snapshot());
            assertThat(fromKept.parameters().snapshot()).containsExactly(weights, offset(1e-5f));

            fromKept.parameters().restore(weights);
            assertThat(fromKept.predict(kept)[0]).containsExactly(computed.predict(rows)[0]);
        }
        assertThatThrownBy(() -> trained.trainStep(() -> null, LABELS)).isInstanceOf(IllegalStateException.class);
    }

    /** A baseline's step registers no native buffer with ND4J's deallocator once its arrays are kept. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shared_bottom", "mmoe", "ple"})
    void shouldRegisterNoNativeBufferInAStep(String kind) {
        ExpertNetwork model = create(kind, TASKS, 7);
        model.trainStep(ROWS, LABELS);
        assertThat(NativeBuffers.registeredPerRun(() -> model.trainStep(ROWS, LABELS), 10)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shared_bottom", "mmoe", "ple"})
    void shouldReduceTheLossWhenTrained(String kind) {
        ExpertNetwork model = create(kind, TASKS, 7);
        double first = model.computeGradients(ROWS, LABELS);
        for (int i = 0; i < 300; i++) {
            model.trainStep(ROWS, LABELS);
        }
        assertThat(model.computeGradients(ROWS, LABELS)).isLessThan(first * 0.7);
    }

    @Test
    void shouldCountParametersWithAndWithoutEmbeddings() {
        ModelConfig c = GradientCheck.tinyConfig();
        ExpertNetwork ple = create("ple", TASKS, 1);
        long embeddings = (4 + 3) * c.embeddingDim();
        long inputWidth = 3 + 2 * c.embeddingDim();
        long expert = inputWidth * c.expertHidden() + c.expertHidden() + (long) c.expertHidden() * c.expertOutput() + c.expertOutput();
        long tower = (long) c.expertOutput() * c.towerHidden1() + c.towerHidden1()
                + (long) c.towerHidden1() * c.towerHidden2() + c.towerHidden2() + c.towerHidden2() + 1;
        long gate = inputWidth * 2;
        assertThat(ple.parameters().count()).isEqualTo(embeddings + 3 * expert + 2 * (tower + gate));
        assertThat(ple.nonEmbeddingParameters()).isEqualTo(3 * expert + 2 * (tower + gate));
        ExpertNetwork head = ExpertNetwork.newTask(create("shared_bottom", TASKS, 1), "c", 2);
        assertThat(head.nonEmbeddingParameters()).isEqualTo(tower).isEqualTo(head.parameters().count());
    }

    private static ExpertNetwork trained(String kind, long seed) {
        ExpertNetwork model = create(kind, TASKS, seed);
        for (int i = 0; i < 30; i++) {
            model.trainStep(ROWS, LABELS);
        }
        return model;
    }
}
