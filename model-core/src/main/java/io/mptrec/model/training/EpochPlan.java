package io.mptrec.model.training;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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

    /** One step of an epoch given its batch, read ahead. */
    @FunctionalInterface
    public interface BatchStep {
        void run(int step, SplitData.Batch batch);
    }

    /**
     * Runs one epoch over a split as {@link #forEachBatch(int, long, int, int, Step)} does, each step's batch read on a
     * second thread while the step before it trains: reading a file's rows at random positions (a positional read per
     * row) then overlaps the arithmetic instead of adding to it. Reading is plain Java, safe beside a step.
     */
    public static void forEachBatch(SplitData split, long seed, int epoch, int batchSize, BatchStep step) {
        int[] order = shuffled(split.rows().length, seed, epoch);
        int steps = steps(order.length, batchSize);
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "batch-reader");
            thread.setDaemon(true);
            return thread;
        });
        try {
            int[] first = batch(order, 0, batchSize);
            Future<SplitData.Batch> next = reader.submit(() -> split.batch(first));
            for (int s = 0; s < steps; s++) {
                SplitData.Batch batch = await(next);
                if (s + 1 < steps) {
                    int[] following = batch(order, s + 1, batchSize);
                    next = reader.submit(() -> split.batch(following));
                }
                step.run(s, batch);
            }
        } finally {
            reader.shutdownNow();
        }
    }

    private static SplitData.Batch await(Future<SplitData.Batch> batch) {
        try {
            return batch.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading a batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw new IllegalStateException("cannot read a batch", e.getCause());
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
