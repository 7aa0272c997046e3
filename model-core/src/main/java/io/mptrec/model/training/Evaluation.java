package io.mptrec.model.training;

import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.data.EncodedSource;
import io.mptrec.model.data.Split;
import io.mptrec.model.metrics.BinaryMetrics;
import io.mptrec.model.metrics.ScoredRows;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Offline metrics of predictions, always with their sample size and positives. */
public final class Evaluation {

    /** Bins of the expected calibration error, as in Guo et al. (2017). */
    public static final int CALIBRATION_BINS = 15;

    private Evaluation() {
    }

    public static List<OfflineMetric> metrics(String task, String split, float[] predictions, float[] labels) {
        return metrics(task, split, predictions, labels, null);
    }

    /**
     * AUC, log-loss and expected calibration error ({@value #CALIBRATION_BINS} bins, {@code ece}), and with {@code users} (per row a user id, -1 for none) GAUC as well: over the users with both
     * classes, whose rows and positives it records; left out when no user has both classes (a tiny split).
     */
    public static List<OfflineMetric> metrics(String task, String split, float[] predictions, float[] labels,
                                              int[] users) {
        int positives = 0;
        for (float y : labels) {
            positives += y > 0.5f ? 1 : 0;
        }
        List<OfflineMetric> metrics = new ArrayList<>();
        metrics.add(new OfflineMetric(task, split, "auc", BinaryMetrics.auc(predictions, labels), labels.length, positives));
        metrics.add(new OfflineMetric(task, split, "logloss", BinaryMetrics.logLoss(predictions, labels), labels.length, positives));
        metrics.add(new OfflineMetric(task, split, "ece", BinaryMetrics.expectedCalibrationError(predictions, labels,
                CALIBRATION_BINS), labels.length, positives));
        if (users != null && hasUserWithBothClasses(labels, users)) {
            BinaryMetrics.GroupedAuc gauc = BinaryMetrics.gauc(predictions, labels, users);
            metrics.add(new OfflineMetric(task, split, "gauc", gauc.value(), gauc.samples(), gauc.positives()));
        }
        return metrics;
    }

    /** Each task's AUC on one split, in task order: what early stopping watches on the validation split. */
    public static Map<String, Double> aucs(List<String> tasks, Function<EncodedSource, float[][]> predict, SplitData split) {
        float[][] predictions = predict.apply(split.encoded());
        Map<String, Double> aucs = new LinkedHashMap<>();
        for (int k = 0; k < tasks.size(); k++) {
            aucs.put(tasks.get(k), BinaryMetrics.auc(predictions[k], split.labels()[k]));
        }
        return aucs;
    }

    /**
     * AUC and log-loss of every task on each split, in split then task order (what an artifact records), and each task's
     * predictions on the test split with their labels.
     */
    public static Evaluated evaluate(List<String> tasks, Function<EncodedSource, float[][]> predict,
                                     List<SplitData> splits) {
        List<OfflineMetric> metrics = new ArrayList<>();
        Map<String, ScoredRows> test = new LinkedHashMap<>();
        for (SplitData split : splits) {
            float[][] predictions = predict.apply(split.encoded());
            for (int k = 0; k < tasks.size(); k++) {
                metrics.addAll(metrics(tasks.get(k), split.name(), predictions[k], split.labels()[k], split.users()));
                if (split.split() == Split.TEST) {
                    test.put(tasks.get(k), new ScoredRows(split.labels()[k], predictions[k]));
                }
            }
        }
        return new Evaluated(metrics, test);
    }

    /** The metrics of {@link #evaluate}, and per task the test split's predictions with their labels. */
    public record Evaluated(List<OfflineMetric> metrics, Map<String, ScoredRows> test) {
    }

    private static boolean hasUserWithBothClasses(float[] labels, int[] users) {
        java.util.Map<Integer, Integer> seen = new java.util.HashMap<>(); // user -> bit 1: a negative, bit 2: a positive
        for (int i = 0; i < labels.length; i++) {
            if (users[i] >= 0 && seen.merge(users[i], labels[i] == 1f ? 2 : 1, (a, b) -> a | b) == 3) {
                return true;
            }
        }
        return false;
    }
}
