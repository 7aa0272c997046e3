package io.mptrec.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.metrics.BinaryMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTests {

    private static final float[] SCORES = {0.9f, 0.2f, 0.6f, 0.3f, 0.8f, 0.5f, 0.1f};
    private static final float[] LABELS = {1f, 0f, 0f, 1f, 0f, 1f, 0f};

    @Test
    void shouldAddGaucOverTheUsersWithBothClassesWhenRowsHaveUsers() {
        // user 0: AUC 1 (3 rows, 1 positive); user 7: positives 0.3, 0.5 vs negatives 0.8, 0.1, AUC 0.5 (4 rows)
        List<OfflineMetric> metrics = Evaluation.metrics("click", "test", SCORES, LABELS, new int[] {0, 0, 0, 7, 7, 7, 7});

        assertThat(metrics).extracting(OfflineMetric::metric).containsExactly("auc", "logloss", "ece", "gauc");
        assertThat(metrics.get(3)).isEqualTo(new OfflineMetric("click", "test", "gauc", (3 * 1.0 + 4 * 0.5) / 7, 7, 3));
    }

    @Test
    void shouldLeaveGaucOutWithoutUsersOrWhenNoUserHasBothClasses() {
        assertThat(Evaluation.metrics("click", "test", SCORES, LABELS)).extracting(OfflineMetric::metric)
                .containsExactly("auc", "logloss", "ece");
        assertThat(Evaluation.metrics("click", "test", SCORES, LABELS, new int[] {0, 1, 2, 3, 4, 5, -1}))
                .extracting(OfflineMetric::metric).containsExactly("auc", "logloss", "ece");
    }

    @Test
    void shouldReportTheCalibrationErrorOfFifteenBinsWithItsSample() {
        OfflineMetric ece = Evaluation.metrics("click", "test", SCORES, LABELS).get(2);

        assertThat(ece).isEqualTo(new OfflineMetric("click", "test", "ece",
                BinaryMetrics.expectedCalibrationError(SCORES, LABELS, 15), SCORES.length, 3));
    }
}
