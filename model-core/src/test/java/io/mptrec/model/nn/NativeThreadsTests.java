package io.mptrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.regex.Pattern;
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
