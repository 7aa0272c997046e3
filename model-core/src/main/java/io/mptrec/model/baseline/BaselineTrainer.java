package io.mptrec.model.baseline;

import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.network.Batches;
import io.mptrec.model.training.EarlyStopping;
import io.mptrec.model.training.EpochPlan;
import io.mptrec.model.training.Evaluation;
import io.mptrec.model.training.KeptRows;
import io.mptrec.model.training.SplitData;
import io.mptrec.model.training.TrainingListener;
import io.mptrec.model.training.TrainingReport;
import java.util.List;
import java.util.function.ObjIntConsumer;

/**
 * Trains a baseline with the same loop as MPT-Rec's stages: seeded mini-batches ({@link EpochPlan}), Adam,
 * early stopping on the sum of validation AUCs with the best weights restored ({@link EarlyStopping}), then
 * validation and test metrics ({@link Evaluation}).
 */
public final class BaselineTrainer {

    private BaselineTrainer() {
    }

    /**
     * @param train, validation, test the splits, with labels in the order of {@code model.tasks()}
     * @return the report; {@code trainSeconds} is the wall time of the whole call (training, validation, test scoring)
     */
    public static TrainingReport train(ExpertNetwork model, SplitData train, SplitData validation, SplitData test,
                                       long seed, TrainingListener listener) {
        return train(model, train, validation, test, seed, listener, new int[0], (report, patience) -> {
        });
    }

    /**
     * As {@link #train(ExpertNetwork, SplitData, SplitData, SplitData, long, TrainingListener)}, also handing
     * {@code ended} the report of the run with each patience of {@code shorter} (below the config's) as that run would
     * have ended, while {@code model} holds that run's best weights ({@link EarlyStopping}).
     */
    public static TrainingReport train(ExpertNetwork model, SplitData train, SplitData validation, SplitData test,
                                       long seed, TrainingListener listener, int[] shorter,
                                       ObjIntConsumer<TrainingReport> ended) {
        List<String> tasks = model.tasks();
        if (train.labels().length != tasks.size()) {
            throw new IllegalArgumentException("splits carry " + train.labels().length + " label sets for " + tasks);
        }
        long started = System.nanoTime();
        int batchSize = model.config().batchSize();
        int n = train.rows().length;
        int steps = EpochPlan.steps(n, batchSize);
        // the new-task setting's frozen embeddings and experts give each training and validation row the same arrays
        // at every epoch: they are computed once when the native budget holds them, as stage 2 keeps its encoder's
        long budget = model.encoderFrozen() ? KeptRows.maxBytes() : 0;
        int[] widths = model.frozenWidths();
        EarlyStopping.Outcome outcome;
        try (KeptRows trainKept = KeptRows.of(train.encoded(), widths, model::frozenPass, budget);
             KeptRows validationKept = KeptRows.of(validation.encoded(), widths, model::frozenPass,
                     budget - trainKept.bytes())) {
            outcome = EarlyStopping.run(model.parameters(), model.config().maxEpochs(), model.config().patience(),
                    steps, listener, epoch -> {
                        if (trainKept.isKept()) {
                            EpochPlan.forEachBatch(n, seed, epoch, batchSize, (step, positions) -> {
                                double loss = model.trainStep(() -> trainKept.rows(positions),
                                        Batches.select(train.labels(), positions));
                                listener.stepDone(epoch, step + 1, steps, loss);
                            });
                        } else {
                            EpochPlan.forEachBatch(train, seed, epoch, batchSize, (step, batch) -> {
                                double loss = model.trainStep(batch.rows(), batch.labels());
                                listener.stepDone(epoch, step + 1, steps, loss);
                            });
                        }
                        return n;
                    }, () -> Evaluation.aucs(tasks, rows -> model.predict(validationKept), validation), shorter,
                    (end, patience) -> ended.accept(report(model, validation, test, end, started), patience));
        }
        return report(model, validation, test, outcome, started);
    }

    private static TrainingReport report(ExpertNetwork model, SplitData validation, SplitData test,
                                         EarlyStopping.Outcome outcome, long started) {
        Evaluation.Evaluated evaluated = Evaluation.evaluate(model.tasks(), model::predict, List.of(validation, test));
        double seconds = (System.nanoTime() - started) / 1e9;
        return new TrainingReport(outcome.epochs(), outcome.bestEpoch(), seconds, outcome.samplesPerSecond(),
                model.parameters().count(), model.nonEmbeddingParameters(), evaluated.metrics(), evaluated.test());
    }
}
