package io.mptrec.model.nn;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * How many threads ND4J's native operations and BLAS use. We default to one: the layers here are small, so
 * parallelism pays at the level of requests and processes, while OpenMP's spin-waiting threads slow a
 * 2-core machine shared by several busy JVMs by an order of magnitude. {@code OMP_NUM_THREADS} overrides it.
 */
public final class NativeThreads {

    private NativeThreads() {
    }

    /** Applies {@code OMP_NUM_THREADS} when set, else one thread. */
    public static void configureDefault() {
        String fromEnvironment = System.getenv("OMP_NUM_THREADS");
        int threads = 1;
        if (fromEnvironment != null && fromEnvironment.matches("\\d+") && Integer.parseInt(fromEnvironment) > 0) {
            threads = Integer.parseInt(fromEnvironment);
        }
        set(threads);
    }

    public static void set(int threads) {
        // the backend must be loaded before its native operations can be reached
        var blas = Nd4j.factory().blas();
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        blas.setMaxThreads(threads);
    }
}
