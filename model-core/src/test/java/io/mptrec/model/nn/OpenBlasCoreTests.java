package io.mptrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenBlasCoreTests {

    private static final Set<String> ZEN4 = Set.of("fma", "avx", "avx2", "avx512f", "avx512dq", "avx512cd", "avx512bw",
            "avx512vl", "avx512_bf16");

    @Test
    void shouldAskForSkylakeXOnlyWhenTheCpuHasItsAvx512SubsetsAndTheUserHasNotChosen() {
        assertThat(OpenBlasCore.choose(ZEN4, null)).contains("SkylakeX");
        assertThat(OpenBlasCore.choose(ZEN4, " ")).contains("SkylakeX");
        assertThat(OpenBlasCore.choose(ZEN4, "Haswell")).isEmpty();
        assertThat(OpenBlasCore.choose(Set.of("fma", "avx", "avx2", "avx512f"), null)).isEmpty();
        assertThat(OpenBlasCore.choose(Set.of(), null)).isEmpty();
    }

    @Test
    void shouldWarnOnlyWhenTheUsersCoreIsOlderThanTheCpusAvx512Kernels() {
        assertThat(OpenBlasCore.slowerThanCpu(ZEN4, "Haswell")).hasValueSatisfying(warning -> assertThat(warning)
                .contains("OPENBLAS_CORETYPE=Haswell").contains("SkylakeX").contains("unset it"));
        assertThat(OpenBlasCore.slowerThanCpu(ZEN4, "Zen")).isPresent();
        assertThat(OpenBlasCore.slowerThanCpu(ZEN4, "SkylakeX")).isEmpty();
        assertThat(OpenBlasCore.slowerThanCpu(ZEN4, "cooperlake")).isEmpty();
        assertThat(OpenBlasCore.slowerThanCpu(ZEN4, null)).isEmpty();
        assertThat(OpenBlasCore.slowerThanCpu(ZEN4, " ")).isEmpty();
        // a CPU without AVX-512: Haswell is the best there is
        assertThat(OpenBlasCore.slowerThanCpu(Set.of("fma", "avx", "avx2"), "Haswell")).isEmpty();
    }

    /** What the process reports as its kernels is what OpenBLAS said it took when it loaded (OPENBLAS_VERBOSE=2). */
    @Test
    void shouldReportTheKernelsOpenBlasLoaded() throws Exception {
        for (String setting : new String[] {"Haswell", "SkylakeX"}) {
            String reported = FreshJvm.run(ReportProbe.class, environment -> {
                environment.put(OpenBlasCore.VARIABLE, setting);
            }, Pattern.compile("reported core: (\\S+)"));
            assertThat(reported).isEqualTo(loadedCore(setting, false));
        }
    }

    @Test
    void shouldReadTheFirstProcessorsFlags(@TempDir Path dir) throws IOException {
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"), """
                processor\t: 0
                flags\t\t: fpu avx2 avx512f
                processor\t: 1
                flags\t\t: fpu
                """);
        assertThat(OpenBlasCore.cpuFlags(cpuinfo)).containsExactlyInAnyOrder("fpu", "avx2", "avx512f");
        assertThat(OpenBlasCore.cpuFlags(dir.resolve("absent"))).isEmpty();
        Path twice = Files.writeString(dir.resolve("twice"), "flags\t\t: fpu avx2 fpu\n");
        assertThat(OpenBlasCore.cpuFlags(twice)).as("a flag named twice").containsExactlyInAnyOrder("fpu", "avx2");
    }

    /** OpenBLAS, loaded in a fresh JVM after the call, says which core it took (OPENBLAS_VERBOSE=2). */
    @Test
    void shouldMakeOpenBlasLoadTheChosenKernels() throws Exception {
        Optional<String> expected = OpenBlasCore.choose(OpenBlasCore.cpuFlags(Path.of("/proc/cpuinfo")), null);
        String detected = loadedCore(null, false);
        assertThat(loadedCore(null, true)).isEqualTo(expected.orElse(detected));
        // the user's choice stands; a blank value is no choice
        assertThat(loadedCore("Haswell", true)).isEqualTo("Haswell");
        assertThat(loadedCore(" ", true)).isEqualTo(expected.orElse(detected));
    }

    private static String loadedCore(String userSetting, boolean select) throws Exception {
        return FreshJvm.run(Probe.class, environment -> {
            environment.put("OPENBLAS_VERBOSE", "2");
            environment.remove(OpenBlasCore.VARIABLE);
            if (userSetting != null) {
                environment.put(OpenBlasCore.VARIABLE, userSetting);
            }
        }, Pattern.compile("Core: (\\S+)"), Boolean.toString(select));
    }

    /** The child: prints the kernels {@link OpenBlasCore#loadedCore()} reports. */
    public static final class ReportProbe {
        public static void main(String[] args) {
            System.out.println("reported core: " + OpenBlasCore.loadedCore());
        }
    }

    /** The child: select (or not), then load OpenBLAS. */
    public static final class Probe {
        public static void main(String[] args) {
            if (Boolean.parseBoolean(args[0])) {
                OpenBlasCore.selectBeforeLoading();
            }
            Loader.load(openblas_nolapack.class);
        }
    }
}
