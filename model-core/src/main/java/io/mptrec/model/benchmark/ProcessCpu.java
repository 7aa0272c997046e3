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
}
