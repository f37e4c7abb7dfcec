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

    public PowerConfig {
        if (!SOURCES.contains(source)) throw ConfigException.at("source", "\"" + source + "\" is not one of " + String.join(", ", SOURCES));
        Check.within("idle_watts", idleWatts, 0, 10_000);
        Check.within("busy_watts", busyWatts, 0, 10_000);
        if (busyWatts < idleWatts) {
            throw ConfigException.at("busy_watts", Check.show(busyWatts) + " is below idle_watts " + Check.show(idleWatts)
                    + "; busy draw is at least the idle draw");
        }
        Check.seconds("interval_s", interval, 0.1);
        Check.within("interval_s", interval.toNanos() / 1e9, 0.1, 600);
    }

    /** A Raspberry Pi 5 with a camera: about 3 W idle, 7 W with all four cores busy. */
    public static final PowerConfig DEFAULT = new PowerConfig("auto", 3.0, 7.0, Duration.ofSeconds(2));
}
