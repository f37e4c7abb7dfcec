package dev.vigil.config;

import java.time.Duration;
import java.util.List;

/**
 * Where power readings come from ({@code power: {source, idle_watts, busy_watts, interval_s}}).
 *
 * @param source    {@code auto} (the first the machine has: ina3221, pmic, hwmon, rapl, else the estimate), one of
 *                  those by name, {@code estimate}, or {@code off}
 * @param idleWatts the estimate's draw at no CPU use
 * @param busyWatts the estimate's draw with every core busy
 * @param interval  how often power is read (and energy per inference recorded)
 */
public record PowerConfig(String source, double idleWatts, double busyWatts, Duration interval) {

    public static final List<String> SOURCES = List.of("auto", "ina3221", "pmic", "hwmon", "rapl", "estimate", "off");

    /** A Raspberry Pi 5 with a camera: about 3 W idle, 7 W with all four cores busy. */
    public static final PowerConfig DEFAULT = new PowerConfig("auto", 3.0, 7.0, Duration.ofSeconds(2));
}
