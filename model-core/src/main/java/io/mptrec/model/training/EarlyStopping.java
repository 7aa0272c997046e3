package io.mptrec.model.training;

import io.mptrec.model.nn.Parameters;
import java.util.Arrays;
import java.util.Map;
import java.util.function.IntToLongFunction;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;

/**
 * The epoch loop every trainer shares: train an epoch, score the validation split, keep the weights of the
 * best epoch (highest sum of validation AUCs), stop after {@code patience} epochs without improvement or at
 * {@code maxEpochs}, and restore the best weights.
 *
 * <p>A run with a shorter patience, at the same seed and learning rate, is the start of this one: its epochs are this
 * loop's first epochs, and it ends at the first epoch after which this loop has gone that many epochs without a better
 * score (or at {@code maxEpochs}). So one loop can also hand over the runs with shorter patiences, which is how the
 * benchmark's tuning grid trains each learning rate once for all of its patiences.
 */
public final class EarlyStopping {

    /** How the loop went; {@code trainNanos} counts the training passes only, not the validation scoring. */
    public record Outcome(int epochs, int bestEpoch, long trainedSamples, long trainNanos) {
        public double samplesPerSecond() {
            return trainedSamples / (trainNanos / 1e9);
        }
    }

    private static final int[] NONE = {};

    private EarlyStopping() {
    }

    /**
     * @param trainEpoch trains one epoch (numbered from 1) and returns the number of samples it trained on
     * @param validationAuc the validation AUC of each task with the current weights
     */
    public static Outcome run(Parameters parameters, int maxEpochs, int patience, int steps, TrainingListener listener,
                              IntToLongFunction trainEpoch, Supplier<Map<String, Double>> validationAuc) {
        return run(parameters, maxEpochs, patience, steps, listener, trainEpoch, validationAuc, NONE, (o, p) -> {
        });
    }

    /**
     * The shorter patiences to hand over on the way, each once, shortest first; each must be between 1 and
     * {@code patience - 1}. The trees' loop ({@link io.mptrec.model.baseline.GradientBoostedTrees}) hands over the same.
     */
    public static int[] shorterPatiences(int[] shorter, int patience) {
        int[] pending = Arrays.stream(shorter).sorted().distinct().toArray();
        for (int p : pending) {
            if (p < 1 || p >= patience) {
                throw new IllegalArgumentException("a shorter patience must be between 1 and " + (patience - 1)
                        + ", got " + p);
            }
        }
        return pending;
    }

    /**
     * As {@link #run(Parameters, int, int, int, TrainingListener, IntToLongFunction, Supplier)}, and where the run with
     * each of {@code shorter} (patiences below {@code patience}) would have ended, {@code ended} gets that run's outcome
     * and its patience, with that run's best weights in {@code parameters}; after it returns, the loop goes on from its
     * own weights. {@code ended} must not change anything the training reads.
     */
    public static Outcome run(Parameters parameters, int maxEpochs, int patience, int steps, TrainingListener listener,
                              IntToLongFunction trainEpoch, Supplier<Map<String, Double>> validationAuc, int[] shorter,
                              ObjIntConsumer<Outcome> ended) {
        int[] pending = shorterPatiences(shorter, patience);
        double bestScore = Double.NEGATIVE_INFINITY;
        float[] best = null;
        int bestEpoch = 0;
        int epoch = 0;
        long trainedSamples = 0;
        long trainNanos = 0;
        int next = 0; // pending[next] is the shortest patience not yet handed over
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
            // the runs that stop here: their patience is used up, or this was the last epoch any run may take
            for (; next < pending.length && (sinceBest >= pending[next] || epoch == maxEpochs); next++) {
                float[] own = parameters.snapshot();
                parameters.restore(best);
                ended.accept(new Outcome(epoch, bestEpoch, trainedSamples, trainNanos), pending[next]);
                parameters.restore(own);
            }
        }
        parameters.restore(best);
        return new Outcome(epoch, bestEpoch, trainedSamples, trainNanos);
    }
}
