package io.mptrec.model.training;

import io.mptrec.model.nn.Parameters;
import java.util.Map;
import java.util.function.IntToLongFunction;
import java.util.function.Supplier;

/**
 * The epoch loop every trainer shares: train an epoch, score the validation split, keep the weights of the
 * best epoch (highest sum of validation AUCs), stop after {@code patience} epochs without improvement or at
 * {@code maxEpochs}, and restore the best weights.
 */
public final class EarlyStopping {

    /** How the loop went; {@code trainNanos} counts the training passes only, not the validation scoring. */
    public record Outcome(int epochs, int bestEpoch, long trainedSamples, long trainNanos) {
        public double samplesPerSecond() {
            return trainedSamples / (trainNanos / 1e9);
        }
    }

    private EarlyStopping() {
    }

    /**
     * @param trainEpoch trains one epoch (numbered from 1) and returns the number of samples it trained on
     * @param validationAuc the validation AUC of each task with the current weights
     */
    public static Outcome run(Parameters parameters, int maxEpochs, int patience, int steps, TrainingListener listener,
                              IntToLongFunction trainEpoch, Supplier<Map<String, Double>> validationAuc) {
        double bestScore = Double.NEGATIVE_INFINITY;
        float[] best = null;
        int bestEpoch = 0;
        int epoch = 0;
        long trainedSamples = 0;
        long trainNanos = 0;
        for (int sinceBest = 0; epoch < maxEpochs && sinceBest < patience; ) {
            epoch++;
            listener.epochStarted(epoch, maxEpochs, steps);
            long epochStart = System.nanoTime();
            trainedSamples += trainEpoch.applyAsLong(epoch);
            trainNanos += System.nanoTime() - epochStart;
            Map<String, Double> aucs = validationAuc.get();
            double score = aucs.values().stream().mapToDouble(Double::doubleValue).sum();
            boolean improved = score > bestScore;
            if (improved) {
                bestScore = score;
                best = parameters.snapshot();
                bestEpoch = epoch;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            listener.epochFinished(epoch, aucs, improved);
        }
        parameters.restore(best);
        return new Outcome(epoch, bestEpoch, trainedSamples, trainNanos);
    }
}
