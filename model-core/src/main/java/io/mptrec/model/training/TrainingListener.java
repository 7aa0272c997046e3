package io.mptrec.model.training;

import java.util.Map;

/** What a training run reports as it goes: the command line draws progress bars from it. */
public interface TrainingListener {

    TrainingListener SILENT = new TrainingListener() {
    };

    default void epochStarted(int epoch, int maxEpochs, int steps) {
    }

    default void stepDone(int epoch, int step, int steps, double loss) {
    }

    /** @param validationAuc per task; {@code improved} when these weights are the best so far */
    default void epochFinished(int epoch, Map<String, Double> validationAuc, boolean improved) {
    }
}
