package dev.vigil.power;

import java.io.IOException;

/**
 * One source of power readings: a Linux hwmon chip, a Jetson's INA3221 monitors, a Raspberry Pi 5's PMIC, Intel RAPL,
 * or an estimate where the machine has none of these. Chosen once at start by {@link PowerSensors#choose}; read on the
 * metrics thread, never on the frame path.
 */
public interface PowerSensor extends AutoCloseable {

    /** The {@code source} tag of the metrics: {@code hwmon}, {@code ina3221}, {@code pmic}, {@code rapl} or {@code estimate}. */
    String source();

    /** Where the readings come from, in a few words, for the start-up log and {@code vigil doctor}. */
    String description();

    /** The rails now. May take a few milliseconds (file reads, a short command). */
    PowerReading read() throws IOException;

    @Override
    default void close() {}
}
