package io.mptrec.model.nn;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Which kernels OpenBLAS runs in this process. ND4J 1.0.0-M2.1 bundles OpenBLAS 0.3.19, whose CPU detection predates
 * AMD's AVX-512 processors (Zen 4 and later): there it takes its Haswell (AVX2) kernels, and {@code sgemm} at this
 * model's layer widths runs 1.7 to 3 times slower than with its SkylakeX (AVX-512) kernels (model-core/BENCHMARKS.md).
 * OpenBLAS reads {@code OPENBLAS_CORETYPE} once, when it loads. {@link #selectBeforeLoading()} puts it into the
 * process's own environment (through the C library's {@code setenv}: Java has no way to change its environment) when
 * the CPU has the AVX-512 subsets those kernels use and the user has not chosen a core; on other CPUs OpenBLAS's own
 * choice stands. It takes effect only before ND4J or OpenBLAS loads, so the command line and the server call it first.
 *
 * <p>A user's {@code OPENBLAS_CORETYPE} always stands, but one that names older kernels than the CPU runs (Haswell on
 * an AVX-512 CPU, say, as some machines' login environments set) costs about half the speed of every product, so it
 * is logged as a warning, and {@link #loadedCore()} says which kernels run (the {@code bench} command prints it).
 */
public final class OpenBlasCore {

    static final String VARIABLE = "OPENBLAS_CORETYPE";
    static final String SKYLAKE_X = "SkylakeX";
    /** The instruction subsets OpenBLAS's SkylakeX kernels are built for. */
    static final List<String> SKYLAKE_X_FLAGS = List.of("avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl");
    /** OpenBLAS's cores whose single-precision kernels are SkylakeX's or newer (lower case). */
    static final Set<String> AVX512_CORES = Set.of("skylakex", "cooperlake", "sapphirerapids");

    /** dlopen's flags (Linux): resolve lazily; only return the handle of a library already loaded. */
    private static final int RTLD_LAZY = 1;
    private static final int RTLD_NOLOAD = 4;
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
        String flags = CpuInfo.firstProcessor(cpuinfo).get("flags");
        // a set that takes a flag named twice, as the stream it replaced did (Set.of would throw)
        return flags == null || flags.isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(flags.split(" ")));
    }

    /**
     * Why the user's setting is slower than the CPU allows, or empty: it names a core without the AVX-512 kernels on a CPU
     * that has them.
     */
    static Optional<String> slowerThanCpu(Set<String> cpuFlags, String userSetting) {
        if (userSetting == null || userSetting.isBlank() || choose(cpuFlags, null).isEmpty()
                || AVX512_CORES.contains(userSetting.trim().toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return Optional.of(VARIABLE + "=" + userSetting.trim() + " is set, so OpenBLAS runs those kernels, although this "
                + "CPU has the AVX-512 subsets of its " + SKYLAKE_X + " kernels, which multiply matrices about twice as "
                + "fast (model-core/BENCHMARKS.md); unset it to let mptrec choose");
    }

    /**
     * The kernels OpenBLAS runs in this process, by its own name for them ({@code openblas_get_corename}), loading it if it
     * is not yet loaded; "unknown" where it cannot say.
     */
    public static String loadedCore() {
        try {
            Loader.load(openblas_nolapack.class);
            for (Map.Entry<String, String> library : Loader.getLoadedLibraries().entrySet()) {
                String path = library.getValue();
                if (path != null && Path.of(path).getFileName().toString().startsWith("libopenblas")) {
                    // the loaded library's own handle: RTLD_NOLOAD opens nothing new, and its symbols stay local
                    Function name = NativeLibrary.getInstance(path, Map.of(Library.OPTION_OPEN_FLAGS,
                            RTLD_LAZY | RTLD_NOLOAD)).getFunction("openblas_get_corename");
                    return (String) name.invoke(String.class, new Object[0]);
                }
            }
        } catch (LinkageError | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot ask OpenBLAS for its core: " + e);
        }
        return "unknown";
    }

    /**
     * Whether OpenBLAS runs kernels with a small-matrix path in this process, which multiplies small products without
     * packing their operands: in OpenBLAS 0.3.19, the single-precision ones of its AVX-512 cores ({@link #AVX512_CORES}).
     */
    public static boolean hasSmallMatrixKernels() {
        return AVX512_CORES.contains(loadedCore().toLowerCase(Locale.ROOT));
    }

    /** The kernels OpenBLAS runs and who chose them: "SkylakeX (chosen for this CPU)", or the user's setting. */
    public static String loadedCoreAndChoice() {
        String userSetting = System.getenv(VARIABLE);
        return loadedCore() + " (" + (userSetting == null || userSetting.isBlank() ? "chosen for this CPU"
                : VARIABLE + "=" + userSetting.trim() + " set by the user") + ")";
    }

    /** Sets {@code OPENBLAS_CORETYPE} for this process where {@link #choose} says so; once; never fails the caller. */
    public static synchronized void selectBeforeLoading() {
        if (done) {
            return;
        }
        done = true;
        String userSetting = System.getenv(VARIABLE);
        Set<String> flags = cpuFlags(Path.of("/proc/cpuinfo"));
        slowerThanCpu(flags, userSetting).ifPresent(warning -> LOG.log(System.Logger.Level.WARNING, warning));
        Optional<String> core = choose(flags, userSetting);
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
