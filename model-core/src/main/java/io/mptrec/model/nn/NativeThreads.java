package io.mptrec.model.nn;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * How many threads ND4J's native operations and BLAS use. We default to one: the layers here are small, so
 * parallelism pays at the level of requests and processes, while OpenMP's spin-waiting threads slow a
 * 2-core machine shared by several busy JVMs by an order of magnitude. {@code OMP_NUM_THREADS} overrides it.
 */
public final class NativeThreads {

    static final String VARIABLE = "OMP_NUM_THREADS";
    private static final System.Logger LOG = System.getLogger(NativeThreads.class.getName());
    private static boolean done;

    private NativeThreads() {
    }

    /**
     * The native set-up of a process that runs the model, before anything else touches ND4J: OpenBLAS's kernels
     * ({@link OpenBlasCore}), OpenMP's default of one thread ({@link #defaultBeforeLoading}), then the calling thread's
     * team and OpenBLAS's threads for the whole process ({@link #configureDefault}). The command line and the server
     * start with it. Without the last step the server's OpenBLAS ran each matrix product on a thread per core, and the
     * products of two requests took turns: two threads scored no faster than one (model-core/BENCHMARKS.md).
     */
    public static void configureProcess() {
        OpenBlasCore.selectBeforeLoading();
        defaultBeforeLoading();
        configureDefault();
    }

    /**
     * Makes one thread OpenMP's default for every thread of this process, unless the user set {@code OMP_NUM_THREADS}.
     * {@link #set} changes only the calling thread's team size (OpenMP keeps it per thread); a thread that starts
     * later, a server's request thread or a benchmark's worker, starts from the default, which OpenMP reads from the
     * environment once, when it loads, and is otherwise one thread per core. Two such threads at once then keep four
     * spinning on two cores. Call it before ND4J loads, as the command line and the server do; never fails the caller.
     */
    public static synchronized void defaultBeforeLoading() {
        if (done) {
            return;
        }
        done = true;
        String userSetting = System.getenv(VARIABLE);
        if (userSetting != null && !userSetting.isBlank()) {
            return;
        }
        try {
            ProcessEnvironment.set(VARIABLE, "1");
        } catch (LinkageError | RuntimeException e) {
            // a missing C library or JNA stub only costs speed where several threads run native operations at once
            LOG.log(System.Logger.Level.WARNING, "could not set " + VARIABLE + " for OpenMP: " + e);
        }
    }

    /** Applies {@code OMP_NUM_THREADS} when set, else one thread, to the calling thread. */
    public static void configureDefault() {
        String fromEnvironment = System.getenv("OMP_NUM_THREADS");
        int threads = 1;
        if (fromEnvironment != null && fromEnvironment.matches("\\d+") && Integer.parseInt(fromEnvironment) > 0) {
            threads = Integer.parseInt(fromEnvironment);
        }
        set(threads);
    }

    /** The calling thread's OpenMP team size, and BLAS's threads for the process. */
    public static void set(int threads) {
        // the backend must be loaded before its native operations can be reached
        var blas = Nd4j.factory().blas();
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        blas.setMaxThreads(threads);
    }
}
