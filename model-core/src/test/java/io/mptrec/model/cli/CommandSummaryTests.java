package io.mptrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.format.Figures;
import io.mptrec.model.training.TrainingReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line's summaries print figures by the one formatting policy (io.mptrec.model.format.Figures). */
class CommandSummaryTests {

    @Test
    void shouldPrintAMetricToFourSignificantDigitsWithGroupedSampleSizes() {
        var auc = new OfflineMetric("income", "test", "auc", 0.8557681454916167, 19_950, 1_247);

        assertThat(EvaluateCommand.line(auc, "")).isEqualTo("income     test       auc      0.8558  (n=19,950, positives=1,247)");
        assertThat(EvaluateCommand.line(new OfflineMetric("click", "test", "gauc", 0.6350058912972967, 1_200, 96),
                ", users with both classes=" + Figures.count(1_024)))
                .endsWith("gauc     0.6350  (n=1,200, positives=96, users with both classes=1,024)");
    }

    @Test
    void shouldPrintTestMetricsToFourSignificantDigitsAndGaucOnlyWhereThereIsOne() {
        var report = new TrainingReport(3, 2, 12.5, 20_000, 123_456, 7_890, List.of(
                new OfflineMetric("income", "test", "auc", 0.8557681454916167, 400, 30),
                new OfflineMetric("income", "test", "logloss", 0.020641922084266517, 400, 30),
                new OfflineMetric("click", "test", "auc", 0.99996, 400, 30),
                new OfflineMetric("click", "test", "logloss", 1.23456, 400, 30),
                new OfflineMetric("click", "test", "gauc", 0.99996, 400, 30)), java.util.Map.of());

        assertThat(PretrainCommand.testMetrics(report, "income")).isEqualTo("test AUC 0.8558  logloss 0.02064");
        assertThat(PretrainCommand.testMetrics(report, "click")).isEqualTo("test AUC 1.000  logloss 1.235  GAUC 1.000");
    }
}
