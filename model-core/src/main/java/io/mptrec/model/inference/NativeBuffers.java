package io.mptrec.model.inference;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Counts the native buffers an action registers with ND4J's deallocator. Each registration leaves a phantom
 * reference and its bookkeeping on the Java heap until the collection after the buffer dies, which is what makes a
 * serving JVM's young collections long (ab-testing/BENCHMARK.md), and a buffer the collector may free while native
 * code still reads it.
 */
public final class NativeBuffers {

    private NativeBuffers() {
    }

    /**
     * Registrations per run of {@code action}, averaged over {@code runs}; read from the registry's size, a private
     * field of ND4J, so NaN when this ND4J version has no such field. A collection during the runs lets the
     * deallocator remove entries, and the count comes out too low (a training step once counted 54 where it registers
     * 383): so the runs start after the deallocator has removed what a collection found, and are counted only if no
     * collection ran meanwhile; after one did, they are tried again with half as many runs. If collections ran during
     * every try, down to a single run, the largest count is returned, a lower bound.
     */
    public static double registeredPerRun(Runnable action, int runs) {
        try {
            Object service = Nd4j.getDeallocatorService();
            Field field = service.getClass().getDeclaredField("referenceMap");
            field.setAccessible(true);
            Map<?, ?> registry = (Map<?, ?>) field.get(service);
            action.run();
            double largest = Double.NEGATIVE_INFINITY;
            for (int n = runs; ; n = Math.max(1, n / 2)) {
                drain(registry);
                long collections = collections();
                int before = registry.size();
                for (int i = 0; i < n; i++) {
                    action.run();
                }
                double counted = (registry.size() - before) / (double) n;
                if (collections() == collections) {
                    return counted;
                }
                largest = Math.max(largest, counted);
                if (n == 1) {
                    return largest;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Collections so far, of every collector of this JVM. */
    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    /** Collects, then waits until the deallocator threads have removed what the collection found (at most 5 s). */
    private static void drain(Map<?, ?> registry) throws InterruptedException {
        System.gc();
        int previous = -1;
        for (int i = 0; i < 50 && registry.size() != previous; i++) {
            previous = registry.size();
            Thread.sleep(100);
        }
    }
}
