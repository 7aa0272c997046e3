package io.mptrec.model.benchmark;

import java.lang.management.ManagementFactory;

/**
 * CPU time of this process, all threads (training, garbage collection, compilation). Unlike wall time it does not
 * grow when other work shares the machine, so runs measured on a busy machine stay comparable with a quiet one.
 */
public final class ProcessCpu {

    private ProcessCpu() {
    }

    public static double seconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    /** The machine's load average over the last minute, or NaN where the platform does not report one. */
    public static double loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? Double.NaN : load;
    }

    /**
     * The peak resident memory of this process so far (VmHWM of /proc/self/status: heap, ND4J's native arrays and
     * everything else), in bytes; -1 where the platform does not report it.
     */
    public static long peakResidentBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1; // not Linux
        }
        return -1;
    }
}
