package io.mptrec.model.training;

import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.metrics.ScoredRows;
import java.util.List;
import java.util.Map;

/**
 * How a training run went: kept out of the artifacts' hashed content because wall time differs between runs
 * while the weights do not.
 *
 * @param trainableParameters every trained value; {@code nonEmbeddingParameters} the same without embedding tables
 * @param testScores per task, the test split's predictions its test metrics were computed from, with their labels
 */
public record TrainingReport(int epochs, int bestEpoch, double trainSeconds, double samplesPerSecond,
                             long trainableParameters, long nonEmbeddingParameters, List<OfflineMetric> metrics,
                             Map<String, ScoredRows> testScores) {
    public TrainingReport {
        metrics = List.copyOf(metrics);
        testScores = Map.copyOf(testScores);
    }

    /** A metric that may be absent (GAUC exists only where the schema names a user column). */
    public java.util.OptionalDouble optionalMetric(String task, String split, String name) {
        return metrics.stream().filter(m -> m.task().equals(task) && m.split().equals(split) && m.metric().equals(name))
                .mapToDouble(OfflineMetric::value).findFirst();
    }

    public double metric(String task, String split, String name) {
        return metrics.stream().filter(m -> m.task().equals(task) && m.split().equals(split) && m.metric().equals(name))
                .mapToDouble(OfflineMetric::value).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + split + " " + name + " for " + task));
    }
}
