package io.mptrec.model.inference;

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
     * field of ND4J, so NaN when this ND4J version has no such field. A collection during the runs removes entries and
     * undercounts (a negative or small figure); the count starts after one, so the registry then only grows.
     */
    public static double registeredPerRun(Runnable action, int runs) {
        try {
            Object service = Nd4j.getDeallocatorService();
            Field field = service.getClass().getDeclaredField("referenceMap");
            field.setAccessible(true);
            Map<?, ?> registry = (Map<?, ?>) field.get(service);
            action.run();
            // let the deallocator threads drain what earlier collections found
            System.gc();
            Thread.sleep(500);
            int before = registry.size();
            for (int i = 0; i < runs; i++) {
                action.run();
            }
            return (registry.size() - before) / (double) runs;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
