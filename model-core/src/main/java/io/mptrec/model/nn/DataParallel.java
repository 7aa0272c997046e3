package io.mptrec.model.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs the parts of one training step at once: the first on the calling thread, each other one on a thread of a
 * shared pool. Each part computes the gradients of a slice of the batch in a replica of the model
 * ({@link Parameters#withOwnGradients()}); the caller then adds them up and takes one optimizer step, so the step is
 * the same full-batch step, only its sums are rounded in another order. One OpenMP thread per part (ND4J's
 * operations on one core each, see {@link NativeThreads}) keeps the parts from competing for the cores.
 */
public final class DataParallel {

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "mptrec-step-part-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    /** Rows below which a part costs more in per-operation overhead than its share of the arithmetic saves. */
    public static final int MIN_ROWS_PER_PART = 128;

    private DataParallel() {
    }

    /** The parts a step of {@code batchSize} rows is cut into on {@code threads} threads: at least 1. */
    public static int parts(int threads, int batchSize) {
        return Math.max(1, Math.min(threads, batchSize / MIN_ROWS_PER_PART));
    }

    /** The default thread count: every core the JVM may use. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Start (inclusive) of part {@code p} of {@code parts} over {@code rows} rows: contiguous, sizes differ by one at most. */
    public static int start(int rows, int parts, int p) {
        return (int) ((long) rows * p / parts);
    }

    /** Runs every part, the first on this thread, and returns their results in order; a part's failure is rethrown. */
    public static <T> List<T> run(List<Supplier<T>> parts) {
        List<Future<T>> others = new ArrayList<>();
        for (int p = 1; p < parts.size(); p++) {
            others.add(POOL.submit(parts.get(p)::get));
        }
        List<T> results = new ArrayList<>();
        RuntimeException failure = null;
        try {
            results.add(parts.get(0).get());
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<T> other : others) {
            try {
                results.add(other.get()); // waits even after a failure: no part may still write into a replica
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the step's parts ran", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }
}
