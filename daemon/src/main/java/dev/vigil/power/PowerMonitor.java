package dev.vigil.power;

import java.io.IOException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples one sensor and keeps the energy used since start: the hardware's own counter where it has one (RAPL),
 * else the power readings integrated over time (trapezoids between samples). One thread samples; any thread reads.
 */
public final class PowerMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PowerMonitor.class);

    private final PowerSensor sensor;
    private final LongSupplier clock;
    private volatile PowerReading latest;
    private volatile double energyJoules;
    private long lastNanos;
    private double lastWatts = Double.NaN;
    private double lastCounter = Double.NaN;
    private boolean failing;

    public PowerMonitor(PowerSensor sensor, LongSupplier nanoClock) {
        this.sensor = sensor;
        this.clock = nanoClock;
    }

    public PowerSensor sensor() { return sensor; }

    /**
     * Reads the sensor now.
     *
     * @return joules used since the previous sample, 0 for the first, NaN when the sensor could not be read (logged
     *         once, and once more when it reads again)
     */
    public synchronized double sample() {
        PowerReading r;
        long now = clock.getAsLong();
        try {
            r = sensor.read();
        } catch (IOException | RuntimeException e) {
            if (!failing) log.warn("power: {} cannot be read: {} (power metrics are NaN until it reads again)", sensor.source(), e.getMessage());
            failing = true;
            latest = null;
            lastWatts = Double.NaN;
            lastCounter = Double.NaN;
            return Double.NaN;
        }
        if (failing) log.info("power: {} reads again", sensor.source());
        failing = false;
        double joules;
        if (!Double.isNaN(r.energyJoules())) {
            joules = Double.isNaN(lastCounter) ? 0 : Math.max(0, r.energyJoules() - lastCounter);
            lastCounter = r.energyJoules();
        } else {
            double secs = (now - lastNanos) / 1e9;
            joules = Double.isNaN(lastWatts) || secs <= 0 ? 0 : (lastWatts + r.totalWatts()) / 2 * secs;
        }
        lastWatts = r.totalWatts();
        lastNanos = now;
        latest = r;
        energyJoules += joules;
        return joules;
    }

    /** The last good reading, or null before the first or while the sensor fails. */
    public PowerReading latest() { return latest; }

    /** Joules since start. */
    public double energyJoules() { return energyJoules; }

    @Override
    public void close() {
        sensor.close();
    }
}
