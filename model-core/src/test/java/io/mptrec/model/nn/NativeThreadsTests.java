package io.mptrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.regex.Pattern;
import org.bytedeco.openblas.global.openblas;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The native threads a thread started after ND4J loaded gets, in a fresh JVM (OpenMP and OpenBLAS read their defaults
 * once, when they load): OpenMP's team size, and OpenBLAS's threads for the process.
 */
class NativeThreadsTests {

    private static final Pattern TEAM = Pattern.compile("team=(\\d+)");
    private static final Pattern BLAS = Pattern.compile("blas=(\\d+)");

    /** What the child does before it loads ND4J. */
    enum SetUp { NONE, OPENMP_DEFAULT, PROCESS }

    @Test
    void shouldGiveEveryLaterThreadOneOpenMpThreadUnlessTheUserChose() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        assumeThat(cores).as("OpenMP's own default is one thread per core").isGreaterThan(1);
        assertThat(laterThread(null, SetUp.NONE, TEAM)).as("OpenMP's own default").isEqualTo(cores);
        assertThat(laterThread(null, SetUp.OPENMP_DEFAULT, TEAM)).isEqualTo(1);
        assertThat(laterThread("2", SetUp.OPENMP_DEFAULT, TEAM)).as("the user's choice stands").isEqualTo(2);
    }

    /**
     * OpenBLAS's threads, as a request thread of the server sees them after its set-up: with a thread per core, each
     * request's products ran on both cores, and two requests' products took turns.
     */
    @Test
    void shouldGiveOpenBlasOneThreadForTheProcessUnlessTheUserChose() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        assumeThat(cores).as("OpenBLAS's own default is one thread per core").isGreaterThan(1);
        assertThat(laterThread(null, SetUp.NONE, BLAS)).as("OpenBLAS's own default").isEqualTo(cores);
        assertThat(laterThread(null, SetUp.PROCESS, BLAS)).isEqualTo(1);
        assertThat(laterThread("2", SetUp.PROCESS, BLAS)).as("the user's choice stands").isEqualTo(2);
    }

    private static int laterThread(String userSetting, SetUp setUp, Pattern figure) throws Exception {
        return Integer.parseInt(FreshJvm.run(Probe.class, environment -> {
            environment.remove(NativeThreads.VARIABLE);
            if (userSetting != null) {
                environment.put(NativeThreads.VARIABLE, userSetting);
            }
        }, figure, setUp.name()));
    }

    /** The child: the set-up asked for, ND4J loaded, then OpenMP and OpenBLAS asked from a new thread. */
    public static final class Probe {
        public static void main(String[] args) throws InterruptedException {
            switch (SetUp.valueOf(args[0])) {
                case OPENMP_DEFAULT -> NativeThreads.defaultBeforeLoading();
                case PROCESS -> NativeThreads.configureProcess();
                case NONE -> { }
            }
            Nd4j.create(1);
            int[] threads = new int[2];
            Thread later = new Thread(() -> {
                threads[0] = NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
                threads[1] = openblas.blas_get_num_threads();
            });
            later.start();
            later.join();
            System.out.println("team=" + threads[0] + " blas=" + threads[1]);
        }
    }
}
