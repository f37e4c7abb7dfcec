package dev.vigil.power;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Where the machine measures nothing: a straight line between the configured idle and busy draw by the CPU use of
 * the whole machine (0..1). Exported with {@code source="estimate"} so nobody mistakes it for a measurement.
 */
public final class EstimatedPower implements PowerSensor {

    private final double idleWatts, busyWatts;
    private final DoubleSupplier cpuLoad;

    /**
     * The watts as {@link dev.vigil.config.PowerConfig} checked them (busy at least idle).
     *
     * @param cpuLoad the machine's CPU use 0..1 (negative when not known yet: counted as idle)
     */
    public EstimatedPower(double idleWatts, double busyWatts, DoubleSupplier cpuLoad) {
        this.idleWatts = idleWatts;
        this.busyWatts = busyWatts;
        this.cpuLoad = cpuLoad;
    }

    @Override public String source() { return "estimate"; }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "estimate from CPU use between %.1f W idle and %.1f W busy (no power sensor found)",
                idleWatts, busyWatts);
    }

    @Override
    public PowerReading read() {
        double load = cpuLoad.getAsDouble();
        if (!(load >= 0)) load = 0;
        double w = idleWatts + (busyWatts - idleWatts) * Math.min(1, load);
        return PowerReading.of(List.of(new Rail("total", w)), w);
    }
}
