package io.mptrec.model.training;

import java.util.SplittableRandom;

/** Seeded shuffling into mini-batches: the same seed and epoch give the same order on every machine. */
public final class EpochPlan {

    private EpochPlan() {
    }

    /** One step of an epoch: its index (from 0) and the positions of the rows it trains on. */
    @FunctionalInterface
    public interface Step {
        void run(int step, int[] positions);
    }

    /** Runs one epoch: the rows in this epoch's seeded order, cut into batches of {@code batchSize}, one step each. */
    public static void forEachBatch(int n, long seed, int epoch, int batchSize, Step step) {
        int[] order = shuffled(n, seed, epoch);
        int steps = steps(n, batchSize);
        for (int s = 0; s < steps; s++) {
            step.run(s, batch(order, s, batchSize));
        }
    }

    public static int[] shuffled(int n, long seed, int epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    public static int steps(int n, int batchSize) {
        return (n + batchSize - 1) / batchSize;
    }

    public static int[] batch(int[] order, int step, int batchSize) {
        int from = step * batchSize;
        int to = Math.min(order.length, from + batchSize);
        int[] positions = new int[to - from];
        System.arraycopy(order, from, positions, 0, positions.length);
        return positions;
    }
}
