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

    /** Tries of the runs before the largest count is returned as a lower bound. */
    private static final int ATTEMPTS = 8;

    /**
     * Registrations per run of {@code action}, averaged over {@code runs}; read from the registry's size, a private
     * field of ND4J, so NaN when this ND4J version has no such field. Entries the deallocator removes meanwhile make
     * the count too low (a training step once counted 54 where it registers 383): so the runs start after it has
     * removed what a collection found, and are counted only if no collection ran during them and the registry did not
     * shrink; after a collection they are tried again with half as many runs. After {@link #ATTEMPTS} tries without
     * such a count the largest one is returned, a lower bound.
     */
    public static double registeredPerRun(Runnable action, int runs) {
        try {
            Object service = Nd4j.getDeallocatorService();
            Field field = service.getClass().getDeclaredField("referenceMap");
            field.setAccessible(true);
            Map<?, ?> registry = (Map<?, ?>) field.get(service);
            action.run();
            double largest = Double.NEGATIVE_INFINITY;
            int n = runs;
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                drain(registry);
                long collections = collections();
                int before = registry.size();
                for (int i = 0; i < n; i++) {
                    action.run();
                }
                int added = registry.size() - before;
                boolean collected = collections() != collections;
                if (!collected && added >= 0) {
                    return added / (double) n;
                }
                largest = Math.max(largest, added / (double) n);
                if (collected) {
                    n = Math.max(1, n / 2);
                }
            }
            return largest;
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

    /**
     * Collects, then waits until the deallocator threads have removed what the collection found: until the registry's
     * size held for 300 ms (a single 100 ms once ended while they were still at work, on a busy machine), at most 5 s.
     */
    private static void drain(Map<?, ?> registry) throws InterruptedException {
        System.gc();
        int previous = registry.size();
        for (int i = 0, held = 0; i < 50 && held < 3; i++) {
            Thread.sleep(100);
            int size = registry.size();
            held = size == previous ? held + 1 : 0;
            previous = size;
        }
    }
}
