package io.mptrec.model.baseline;

import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.EncodedSource;
import io.mptrec.model.data.Split;
import io.mptrec.model.metrics.ScoredRows;
import io.mptrec.model.training.EarlyStopping;
import io.mptrec.model.training.Evaluation;
import io.mptrec.model.training.SplitData;
import io.mptrec.model.training.TrainingReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjIntConsumer;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The baseline a practitioner tries first on tabular features: gradient-boosted trees, one model per task, in XGBoost
 * (XGBoost4J, Apache-2.0; Smile, the other well-kept JVM library, is GPL-3.0, which would bind this project's licence).
 * The trees read the inputs the networks read: each numeric field as the network gets it (scaled), and each
 * categorical field's index as a categorical feature that XGBoost splits on natively. Histogram method, one thread
 * (as the networks' one native thread), depth 6, learning rate 0.1, up to {@value #MAX_ROUNDS} rounds with early
 * stopping after {@value #PATIENCE} rounds without a better validation AUC; predictions use the best round's trees.
 */
public final class GradientBoostedTrees {

    public static final String NAME = "gbdt";
    static final int MAX_ROUNDS = 1000;
    public static final int PATIENCE = 20;
    public static final double LEARNING_RATE = 0.1;
    private static final int[] NONE = {};

    private GradientBoostedTrees() {
    }

    /**
     * Trains on the first (only) task of the splits and reports its validation and test metrics.
     *
     * @return the report: epochs are boosting rounds, parameters the leaf values of the kept trees
     */
    public static TrainingReport train(String task, SplitData train, SplitData validation, SplitData test, long seed) {
        return train(task, train, validation, test, seed, LEARNING_RATE, PATIENCE);
    }

    /**
     * As {@link #train(String, SplitData, SplitData, SplitData, long)}, with XGBoost's learning rate (eta) and the
     * rounds without a better validation AUC after which boosting stops: a point of the benchmark's tuning grid.
     */
    public static TrainingReport train(String task, SplitData train, SplitData validation, SplitData test, long seed,
                                       double learningRate, int patience) {
        return train(task, train, validation, test, seed, learningRate, patience, NONE, (report, p) -> {
        });
    }

    /**
     * As {@link #train(String, SplitData, SplitData, SplitData, long, double, int)}, and where the run with each of
     * {@code shorter} (patiences below {@code patience}) would have stopped, {@code ended} gets that run's report and
     * its patience. Boosting at one seed and learning rate does not depend on when it will stop, so a shorter run's
     * trees are this run's first ones: the tuning grid boosts each learning rate once for all of its patiences, as it
     * trains the networks ({@link io.mptrec.model.training.EarlyStopping}). A shorter run's time is that up to its end.
     *
     * <p>The rounds are driven here, not by {@code XGBoost.train}, whose loop has no hook between rounds; the loop is
     * XGBoost4J's own: update, evaluate the validation AUC as a float, a round is the best if its AUC is strictly
     * above the best so far, stop once the rounds since the best reach the patience (GradientBoostedTreesTests holds
     * it to the library's loop).
     */
    public static TrainingReport train(String task, SplitData train, SplitData validation, SplitData test, long seed,
                                       double learningRate, int patience, int[] shorter,
                                       ObjIntConsumer<TrainingReport> ended) {
        if (train.labels().length != 1) {
            throw new IllegalArgumentException("one task per model; the splits carry " + train.labels().length);
        }
        int[] pending = EarlyStopping.shorterPatiences(shorter, patience);
        long started = System.nanoTime();
        DMatrix trainMatrix = matrix(train);
        DMatrix validationMatrix = matrix(validation);
        DMatrix testMatrix = matrix(test);
        Booster booster = null;
        try {
            Map<String, DMatrix> watches = new LinkedHashMap<>();
            watches.put("validation", validationMatrix);
            // zero rounds: the booster as XGBoost.train makes it (parameters, the matrices it caches, feature types)
            booster = XGBoost.train(trainMatrix, parameters(seed, learningRate), 0, watches, null, null, null, 0);
            Run run = new Run(task, booster, train.rows().length, started,
                    List.of(Map.entry(validation, validationMatrix), Map.entry(test, testMatrix)));
            DMatrix[] evaluated = {validationMatrix};
            String[] names = {"validation"};
            float[] auc = new float[1];
            float bestAuc = -Float.MAX_VALUE;
            int best = 0;
            int next = 0; // pending[next] is the shortest patience not yet handed over
            for (int round = 0; round < MAX_ROUNDS; round++) {
                long boosting = System.nanoTime();
                booster.update(trainMatrix, round);
                booster.evalSet(evaluated, names, round, auc);
                run.boostingNanos += System.nanoTime() - boosting;
                if (auc[0] > bestAuc) {
                    bestAuc = auc[0];
                    best = round;
                }
                boolean last = round + 1 == MAX_ROUNDS;
                for (; next < pending.length && (round - best >= pending[next] || last); next++) {
                    ended.accept(run.report(round + 1, best + 1), pending[next]);
                }
                if (round - best >= patience || last) {
                    return run.report(round + 1, best + 1);
                }
            }
            throw new AssertionError("the loop returns at its last round");
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost failed on " + task + ": " + e.getMessage(), e);
        } finally {
            if (booster != null) {
                booster.dispose();
            }
            trainMatrix.dispose();
            validationMatrix.dispose();
            testMatrix.dispose();
        }
    }

    /** XGBoost's parameters: histogram method, one thread, depth 6, the validation AUC as the metric. */
    static Map<String, Object> parameters(long seed, double learningRate) {
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("tree_method", "hist");
        params.put("max_depth", 6);
        params.put("eta", learningRate);
        params.put("nthread", 1);
        params.put("seed", seed);
        params.put("eval_metric", "auc");
        params.put("maximize_evaluation_metrics", "true");
        params.put("verbosity", 0);
        params.put("verbose_eval", 0); // XGBoost4J prints every round unless this is 0 (an int or "false")
        return params;
    }

    /** A boosting run in progress: what its reports need. */
    private static final class Run {
        private final String task;
        private final Booster booster;
        private final int trainRows;
        private final long started;
        private final List<Map.Entry<SplitData, DMatrix>> scored;
        private long boostingNanos;

        Run(String task, Booster booster, int trainRows, long started, List<Map.Entry<SplitData, DMatrix>> scored) {
            this.task = task;
            this.booster = booster;
            this.trainRows = trainRows;
            this.started = started;
            this.scored = scored;
        }

        /** The report of a run that stopped after {@code rounds} rounds and keeps the first {@code kept} trees. */
        TrainingReport report(int rounds, int kept) throws XGBoostError {
            List<OfflineMetric> metrics = new ArrayList<>();
            Map<String, ScoredRows> test = new HashMap<>();
            for (var split : scored) {
                float[] scores = column(booster.predict(split.getValue(), false, kept));
                metrics.addAll(Evaluation.metrics(task, split.getKey().name(), scores, split.getKey().labels()[0],
                        split.getKey().users()));
                if (split.getKey().split() == Split.TEST) {
                    test.put(task, new ScoredRows(split.getKey().labels()[0], scores));
                }
            }
            long leaves = 0;
            String[] trees = booster.getModelDump("", false);
            for (int t = 0; t < Math.min(kept, trees.length); t++) {
                leaves += trees[t].split("leaf=", -1).length - 1;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            // samples/s as the networks count it: training passes (boosting rounds over the train split) alone
            return new TrainingReport(rounds, kept, seconds, (double) trainRows * rounds / (boostingNanos / 1e9),
                    leaves, leaves, metrics, test);
        }
    }

    /** The split's rows as a dense matrix: numeric fields, then categorical indices typed as categories. */
    static DMatrix matrix(SplitData split) {
        EncodedSource source = split.encoded();
        EncodedRows rows = source.range(0, source.rows());
        int numeric = rows.numericFields();
        int categorical = rows.categoricalFields();
        int width = numeric + categorical;
        float[] values = new float[rows.rows() * width];
        for (int r = 0; r < rows.rows(); r++) {
            System.arraycopy(rows.numeric(), r * numeric, values, r * width, numeric);
            for (int f = 0; f < categorical; f++) {
                values[r * width + numeric + f] = rows.categories()[r * categorical + f];
            }
        }
        String[] types = new String[width];
        for (int f = 0; f < width; f++) {
            types[f] = f < numeric ? "q" : "c";
        }
        try {
            DMatrix matrix = new DMatrix(values, rows.rows(), width, Float.NaN);
            matrix.setLabel(split.labels()[0]);
            matrix.setFeatureTypes(types);
            return matrix;
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost refused the " + split.name() + " split: " + e.getMessage(), e);
        }
    }

    private static float[] column(float[][] predictions) {
        float[] scores = new float[predictions.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = predictions[i][0];
        }
        return scores;
    }
}
