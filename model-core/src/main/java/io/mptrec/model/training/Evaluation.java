package io.mptrec.model.training;

import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.metrics.BinaryMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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

    /** Each task's AUC on one split, in task order: what early stopping watches on the validation split. */
    public static Map<String, Double> aucs(List<String> tasks, Function<EncodedRows, float[][]> predict, SplitData split) {
        float[][] predictions = predict.apply(split.encoded());
        Map<String, Double> aucs = new LinkedHashMap<>();
        for (int k = 0; k < tasks.size(); k++) {
            aucs.put(tasks.get(k), BinaryMetrics.auc(predictions[k], split.labels()[k]));
        }
        return aucs;
    }

    /** AUC and log-loss of every task on each split, in split then task order: what an artifact records. */
    public static List<OfflineMetric> metrics(List<String> tasks, Function<EncodedRows, float[][]> predict,
                                              List<SplitData> splits) {
        List<OfflineMetric> metrics = new ArrayList<>();
        for (SplitData split : splits) {
            float[][] predictions = predict.apply(split.encoded());
            for (int k = 0; k < tasks.size(); k++) {
                metrics.addAll(metrics(tasks.get(k), split.name(), predictions[k], split.labels()[k]));
            }
        }
        return metrics;
    }
}
