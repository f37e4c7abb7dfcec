package dev.vigil.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.nio.file.Path;

/**
 * The process and the machine: {@code process.cpu}, {@code process.resident.memory}, the JVM's memory, threads and GC,
 * and {@code vigil.temperature} per thermal zone.
 */
final class ProcessMeters implements MeterBinder, AutoCloseable {

    private final Path procSelf, sysRoot;
    /** Held here because Micrometer holds the objects of gauges and function counters weakly (NaN after a GC, seen in CI). */
    private ProcessStats stats;
    private JvmGcMetrics gc;

    ProcessMeters(Path procSelf, Path sysRoot) {
        this.procSelf = procSelf;
        this.sysRoot = sysRoot;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        stats = new ProcessStats(procSelf);
        FunctionCounter.builder("process.cpu", stats, ProcessStats::cpuSeconds).baseUnit("seconds")
                .description("CPU time used by the process, user and system").register(registry);
        Gauge.builder("process.resident.memory", stats, ProcessStats::residentBytes).baseUnit("bytes").strongReference(true)
                .description("Resident set size of the process").register(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        for (ThermalZones.Zone z : ThermalZones.find(sysRoot)) {
            Gauge.builder("vigil.temperature", z, ThermalZones.Zone::celsius).baseUnit("celsius").strongReference(true)
                    .description("Temperature of a thermal zone").tag("zone", z.name()).register(registry);
        }
    }

    @Override
    public void close() {
        if (gc != null) gc.close();
    }
}
