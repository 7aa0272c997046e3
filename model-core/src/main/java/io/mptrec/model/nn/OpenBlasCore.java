package io.mptrec.model.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which kernels OpenBLAS runs in this process. ND4J 1.0.0-M2.1 bundles OpenBLAS 0.3.19, whose CPU detection predates
 * AMD's AVX-512 processors (Zen 4 and later): there it takes its Haswell (AVX2) kernels, and {@code sgemm} at this
 * model's layer widths runs 1.7 to 3 times slower than with its SkylakeX (AVX-512) kernels (model-core/BENCHMARKS.md).
 * OpenBLAS reads {@code OPENBLAS_CORETYPE} once, when it loads. {@link #selectBeforeLoading()} puts it into the
 * process's own environment (through the C library's {@code setenv}: Java has no way to change its environment) when
 * the CPU has the AVX-512 subsets those kernels use and the user has not chosen a core; on other CPUs OpenBLAS's own
 * choice stands. It takes effect only before ND4J or OpenBLAS loads, so the command line and the server call it first.
 */
public final class OpenBlasCore {

    static final String VARIABLE = "OPENBLAS_CORETYPE";
    static final String SKYLAKE_X = "SkylakeX";
    /** The instruction subsets OpenBLAS's SkylakeX kernels are built for. */
    static final List<String> SKYLAKE_X_FLAGS = List.of("avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl");

    private static final System.Logger LOG = System.getLogger(OpenBlasCore.class.getName());
    private static boolean done;

    private OpenBlasCore() {
    }

    /**
     * The core to ask OpenBLAS for, or empty to leave its own detection alone: SkylakeX when the CPU reports every one of
     * {@link #SKYLAKE_X_FLAGS} and the user has not set {@code OPENBLAS_CORETYPE}.
     */
    static Optional<String> choose(Set<String> cpuFlags, String userSetting) {
        if (userSetting != null && !userSetting.isBlank()) {
            return Optional.empty();
        }
        return cpuFlags.containsAll(SKYLAKE_X_FLAGS) ? Optional.of(SKYLAKE_X) : Optional.empty();
    }

    /** The first processor's flags in /proc/cpuinfo; empty where there is no such file (not Linux). */
    static Set<String> cpuFlags(Path cpuinfo) {
        if (!Files.isReadable(cpuinfo)) {
            return Set.of();
        }
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(line -> line.startsWith("flags"))
                    .findFirst()
                    .map(line -> Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+")).collect(Collectors.toSet()))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }

    /** Sets {@code OPENBLAS_CORETYPE} for this process where {@link #choose} says so; once; never fails the caller. */
    public static synchronized void selectBeforeLoading() {
        if (done) {
            return;
        }
        done = true;
        String userSetting = System.getenv(VARIABLE);
        Optional<String> core = choose(cpuFlags(Path.of("/proc/cpuinfo")), userSetting);
        boolean blank = userSetting != null && userSetting.isBlank();
        if (core.isEmpty() && !blank) {
            return;
        }
        try {
            if (core.isPresent()) {
                // overwrite: choose() returned a core only if the variable is unset or blank, and a blank one must go too
                ProcessEnvironment.set(VARIABLE, core.get());
                LOG.log(System.Logger.Level.DEBUG, "OpenBLAS core: {0}", core.get());
            } else {
                // a blank value is no choice, but OpenBLAS would read it as an unknown core: let it detect its own
                ProcessEnvironment.unset(VARIABLE);
            }
        } catch (LinkageError | RuntimeException e) {
            // a missing C library or JNA stub only costs speed: OpenBLAS then detects its core itself
            LOG.log(System.Logger.Level.WARNING, "could not set " + VARIABLE + " for OpenBLAS: " + e);
        }
    }
}
