package dev.vigil.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's CPU time and resident memory, as Prometheus' own process collector names them. */
final class ProcessStats {

    private final Path status;

    ProcessStats(Path procSelf) {
        this.status = procSelf.resolve("status");
    }

    /** CPU seconds used by the whole process (all threads, user and system). */
    double cpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long ns = os.getProcessCpuTime();
            return ns < 0 ? Double.NaN : ns / 1e9;
        }
        return Double.NaN;
    }

    /** Resident set size in bytes ({@code VmRSS} of /proc/self/status), NaN where there is no /proc. */
    double residentBytes() {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    String[] f = line.substring(6).strip().split("\\s+");
                    return Long.parseLong(f[0]) * 1024.0; // the kernel writes kB (KiB)
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
