package io.mptrec.model.cli;

import io.mptrec.model.nn.CpuInfo;
import io.mptrec.model.nn.OpenBlasCore;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The machine a figure was measured on, as the benchmark's reports and {@code bench} write it. Besides cores, Java and
 * the system it names the processor and the kernels OpenBLAS runs: they set the speed, and the kernels also the last
 * digits of every network's figures (their products sum in orders of their own: the same build's KuaiRand seed gives
 * 0.7306 with SkylakeX's kernels and 0.7302 with Zen's, model-core/BENCHMARKS.md).
 */
final class Machine {

    private Machine() {
    }

    /**
     * "2 cores (AMD EPYC, family 25, model 17), OpenBLAS kernels SkylakeX (chosen for this CPU), Java 17.0.15 (...),
     * Linux 6.1 amd64".
     */
    static String describe() {
        return describe(Runtime.getRuntime().availableProcessors(), cpuModel(Path.of("/proc/cpuinfo")),
                OpenBlasCore.loadedCoreAndChoice());
    }

    static String describe(int cores, Optional<String> cpuModel, String blasKernels) {
        return String.format("%d cores%s, OpenBLAS kernels %s, Java %s (%s), %s %s %s", cores,
                cpuModel.map(model -> " (" + model + ")").orElse(""), blasKernels,
                System.getProperty("java.version"), System.getProperty("java.vm.name"), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("os.arch"));
    }

    /**
     * The first processor's model name, family and model in {@code cpuinfo} (Linux's /proc/cpuinfo): "AMD EPYC, family
     * 25, model 17" (cloud machines often name no more than the brand, and family and model tell Zen 4 from Zen 5);
     * empty where it has no model name.
     */
    static Optional<String> cpuModel(Path cpuinfo) {
        Map<String, String> first = CpuInfo.firstProcessor(cpuinfo);
        String name = first.get("model name");
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(name + (first.containsKey("cpu family") ? ", family " + first.get("cpu family") : "")
                + (first.containsKey("model") ? ", model " + first.get("model") : ""));
    }
}
