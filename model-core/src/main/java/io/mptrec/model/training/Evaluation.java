package io.mptrec.model.training;

import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.metrics.BinaryMetrics;
import java.util.ArrayList;
import java.util.List;

/** Offline metrics of predictions, always with their sample size and positives. */
public final class Evaluation {

    private Evaluation() {
    }

    public static List<OfflineMetric> metrics(String task, String split, float[] predictions, float[] labels) {
        int positives = 0;
        for (float y : labels) {
            positives += y > 0.5f ? 1 : 0;
        }
        List<OfflineMetric> metrics = new ArrayList<>();
        metrics.add(new OfflineMetric(task, split, "auc", BinaryMetrics.auc(predictions, labels), labels.length, positives));
        metrics.add(new OfflineMetric(task, split, "logloss", BinaryMetrics.logLoss(predictions, labels), labels.length, positives));
        return metrics;
    }
}
