package io.mptrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.regex.Pattern;
import org.bytedeco.openblas.global.openblas;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** OpenMP's team size in a thread started after ND4J loaded, in a fresh JVM (OpenMP reads its default once). */
class NativeThreadsTests {

    @Test
    void shouldGiveEveryLaterThreadOneOpenMpThreadUnlessTheUserChose() throws Exception {
        assumeThat(Runtime.getRuntime().availableProcessors()).as("OpenMP's own default is one thread per core")
                .isGreaterThan(1);
        assertThat(laterThreadTeam(null, false)).as("OpenMP's own default").isEqualTo(
                Runtime.getRuntime().availableProcessors());
        assertThat(laterThreadTeam(null, true)).isEqualTo(1);
        assertThat(laterThreadTeam("2", true)).as("the user's choice stands").isEqualTo(2);
    }

    /**
     * OpenBLAS's threads for the process, as a request thread of the server sees them after its set-up: a thread per
     * core left each request's products on both cores, so that two requests' products took turns.
     */
    @Test
    void shouldGiveOpenBlasOneThreadForTheProcessUnlessTheUserChose() throws Exception {
        assumeThat(Runtime.getRuntime().availableProcessors()).as("OpenBLAS's own default is one thread per core")
                .isGreaterThan(1);
        assertThat(laterThreadBlasThreads(null, false)).as("OpenBLAS's own default").isEqualTo(
                Runtime.getRuntime().availableProcessors());
        assertThat(laterThreadBlasThreads(null, true)).isEqualTo(1);
        assertThat(laterThreadBlasThreads("2", true)).as("the user's choice stands").isEqualTo(2);
    }

    private static int laterThreadBlasThreads(String userSetting, boolean setUp) throws Exception {
        return Integer.parseInt(FreshJvm.run(BlasProbe.class, environment -> {
            environment.remove(NativeThreads.VARIABLE);
            if (userSetting != null) {
                environment.put(NativeThreads.VARIABLE, userSetting);
            }
        }, Pattern.compile("blas=(\\d+)"), Boolean.toString(setUp)));
    }

    /** The child: the process's set-up (or none), ND4J loaded, then OpenBLAS's threads read from a new thread. */
    public static final class BlasProbe {
        public static void main(String[] args) throws InterruptedException {
            if (Boolean.parseBoolean(args[0])) {
                NativeThreads.configureProcess();
            }
            Nd4j.create(1);
            int[] threads = new int[1];
            Thread later = new Thread(() -> threads[0] = openblas.blas_get_num_threads());
            later.start();
            later.join();
            System.out.println("blas=" + threads[0]);
        }
    }

    private static int laterThreadTeam(String userSetting, boolean setDefault) throws Exception {
        return Integer.parseInt(FreshJvm.run(Probe.class, environment -> {
            environment.remove(NativeThreads.VARIABLE);
            if (userSetting != null) {
                environment.put(NativeThreads.VARIABLE, userSetting);
            }
        }, Pattern.compile("team=(\\d+)"), Boolean.toString(setDefault)));
    }

    /** The child: set the default (or not), load ND4J, then ask OpenMP in a new thread. */
    public static final class Probe {
        public static void main(String[] args) throws InterruptedException {
            if (Boolean.parseBoolean(args[0])) {
                NativeThreads.defaultBeforeLoading();
            }
            Nd4j.create(1);
            int[] team = new int[1];
            Thread later = new Thread(() -> team[0] = NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads());
            later.start();
            later.join();
            System.out.println("team=" + team[0]);
        }
    }
}
